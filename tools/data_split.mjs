// The GPT's split of a data file, as crates/iagen-core/src/text_data.rs makes it: the last tenth
// of the characters is held out (`(len as f32 * 0.1) as usize`); the data builder ends the
// training part on a line (tools/prepare_data.py), so both parts are whole lines.

/** How many of `length` characters the GPT holds out. */
export const heldOutLength = (length, fraction = 0.1) => Math.floor(Math.fround(Math.fround(length) * Math.fround(fraction)));

/** `{training, heldOut}`: the two parts of a data file's text. */
export function splitText(text) {
  const head = text.length - heldOutLength(text.length);
  if (text[head - 1] !== '\n') throw new Error('the held-out tail does not start at a line');
  return { training: text.slice(0, head), heldOut: text.slice(head) };
}
