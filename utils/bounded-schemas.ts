import * as v from 'valibot';

// Bounded building blocks for the schemas of data that crosses a boundary
// (messages, storage, the settings file): every string, number and list has a
// limit, so a hostile or broken sender cannot make a receiver hold absurd data.

export const MAX_ID_LENGTH = 200;
const MAX_TEXT_LENGTH = 100_000;
const MAX_LIST_LENGTH = 10_000;

export const text = v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH));
export const shortText = v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH));
export const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** A size, a delay or a gap computed by the background: finite and not negative, maybe fractional. */
export const amount = v.pipe(v.number(), v.finite(), v.minValue(0));
export const time = v.pipe(v.number(), v.finite());
export const list = <T extends v.GenericSchema>(item: T) => v.pipe(v.array(item), v.maxLength(MAX_LIST_LENGTH));
