//! The Lecciones view's link fields: which lesson is open and which of its tasks are done, so a
//! shared link shows the same place and the same progress. The lesson's experiment is not in the
//! link: the lesson file holds it.

use super::field::{Field, IntField};

/// The lesson's number in `web/lessons/index.json`, from 1; 0 is the index of lessons.
pub static LESSON: IntField = IntField {
    key: "lesson",
    min: 0,
    max: 999,
    default: 0,
};
/// The finished tasks, one bit each (task 1 is 1, task 2 is 2, task 3 is 4).
pub static DONE: IntField = IntField {
    key: "done",
    min: 0,
    max: 7,
    default: 0,
};

pub static TABLE: &[Field] = &[Field::Int(&LESSON), Field::Int(&DONE)];
