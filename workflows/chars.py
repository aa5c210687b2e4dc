"""The characters no typed text may hold, shared by the field checks and the domain's text."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, the C1 controls (U+0080-U+009F: U+009B is a terminal's
# CSI, which lets a title repaint the screen), and the bidirectional embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069), which make a title or name read differently from
# what it holds ("Trojan Source", CVE-2021-42574). One regex scan is much cheaper than a
# Python loop over the characters, and imports check millions of names and titles.
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

UNSAFE_ZH = "含有控制字符 (control characters) 或双向覆盖字符 (bidirectional overrides)"
