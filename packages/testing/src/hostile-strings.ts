/** Strings with an unpaired UTF-16 surrogate: JSON.stringify writes them as `\ud800` escapes, as an attacker would. */
export const UNPAIRED_SURROGATES: Record<string, string> = {
  'an unpaired high surrogate': 'x\ud800y',
  'an unpaired low surrogate': '\udc00',
  'a high surrogate at the end': 'Keyboard\ud83d',
  'two surrogates in the wrong order': '\udc00\ud800',
};

/** Strings that show nothing, though they are not empty and do not trim to empty. */
export const INVISIBLE_ONLY: Record<string, string> = {
  'only a zero-width space': '\u200B',
  'only a byte order mark': '\uFEFF',
  'only zero-width joiners': '\u200D\u200C',
  'only a word joiner and direction marks': '\u2060\u200E\u200F',
  'only a soft hyphen': '\u00AD',
  'only a Hangul filler': '\u3164',
  'spaces around a zero-width space': '  \u200B  ',
  'only a blank Braille pattern': '\u2800',
};

/** Control characters, refused in every text field (line breaks and tabs only in multi-line ones). */
export const CONTROL_CHARACTERS: Record<string, string> = {
  'a NUL': 'a\u0000b',
  'an escape sequence': 'red \u001b[31m',
  'a backspace': 'ab\u0008c',
  'a C1 control': 'a\u0085b',
};

/** Text that must be accepted and stored exactly as sent. */
export const WELL_FORMED_TEXT: Record<string, string> = {
  accents: 'Zoë Ångström',
  'a combining accent': 'Cafe\u0301',
  'an emoji (a surrogate pair)': '🎹 Piano',
  'an emoji sequence with zero-width joiners': '👨‍👩‍👧 Family',
  'right-to-left script': 'متجر',
  'a zero-width joiner inside a word': 'क्‍ष',
};
