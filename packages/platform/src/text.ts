import { z } from 'zod';

/**
 * A lone UTF-16 surrogate (`"\ud800"` in JSON) is not a character: stored as UTF-8 it silently
 * becomes U+FFFD, and two different strings (passwords too) become the same one.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;
/**
 * Control characters: NUL (which PostgreSQL cannot store in text, and C libraries read as the end
 * of the string), escape sequences, and line breaks in a one-line value such as a name.
 */
const CONTROL = /\p{Cc}/u;
/** The control characters a multi-line value (a description, a reason) may hold. */
const LINE_BREAKS_AND_TABS = /[\t\n\r]/g;
/**
 * Characters that show nothing: white space, format characters (zero-width space, joiners, BOM,
 * bidirectional marks), other default-ignorable code points (Hangul fillers, variation selectors)
 * and the blank Braille pattern. A value made only of these looks empty.
 */
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** True when `value` has no lone surrogate (`String.prototype.isWellFormed`, which Node 20 has but ES2022 typings lack). */
export function wellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** True when `value` has no character that shows (the empty string included). */
export function isBlank(value: string): boolean {
  return INVISIBLE.test(value);
}

export interface TextOptions {
  /** At most this many characters (UTF-16 units, as zod counts). */
  max: number;
  /** At least one visible character is required (default true). */
  required?: boolean;
  /** Trim surrounding white space (default true). */
  trim?: boolean;
  /** Line breaks and tabs allowed (descriptions, reasons); default false. */
  multiline?: boolean;
}

/**
 * The one building block for every text field of every service: well-formed Unicode only, no
 * NUL, no control characters in one-line values, and a required value must have a visible
 * character (`"\u200B"` or a lone BOM is blank, as `"   "` is).
 */
export function text(options: TextOptions) {
  const { max, required = true, trim = true, multiline = false } = options;
  const base = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });
  return (trim ? base.trim() : base).max(max, `must be at most ${max} characters`).superRefine((value, ctx) => {
    if (!wellFormed(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be valid Unicode text (it has an unpaired surrogate)' });
    } else if (CONTROL.test(multiline ? value.replace(LINE_BREAKS_AND_TABS, '') : value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
    } else if (required && isBlank(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not be blank' });
    }
  });
}
