//! Screens that wait for the worker: the photo screen while photos are attached, the entry
//! form and the new-inspection form while they are saved, the sync screen while a sync runs.
//! Each ignores most keys while it waits, so a result that does not end the wait would leave
//! it stuck until Ctrl-c. A failure of any kind (`Action::Failed`, and a refusal that falls
//! back to it) ends every wait in the stack, whatever lies on top (the help overlay, a
//! prompt), and tells the waiting screen why.

use crate::tui::app::{App, Screen, SyncPhase};

/// Ends every wait in the stack after a failure, leaving `msg` on each screen that waited.
pub fn release(app: &mut App, msg: &str) {
    for screen in app.stack.iter_mut() {
        match screen {
            Screen::Attach(st) if st.running => {
                st.running = false;
                st.error = Some(format!("未添加任何照片：{msg}"));
            }
            Screen::EntryForm(f) if f.saving => {
                f.saving = false;
                f.save_error = Some(msg.to_string());
            }
            Screen::NewInspection(st) => st.saving = false,
            Screen::Sync(st) if matches!(st.phase, SyncPhase::Running { .. }) => {
                st.phase = SyncPhase::Folder;
                st.error = Some(msg.to_string());
                st.edit_folder();
            }
            _ => {}
        }
    }
}
