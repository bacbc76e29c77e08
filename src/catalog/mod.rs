//! Checklists and the hazard library (placeholder, being written).
