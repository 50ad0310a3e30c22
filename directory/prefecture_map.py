"""A tile-grid map of Japan: one square per prefecture, roughly where it lies.

Drawn as inline SVG by the server: no map tiles, no script, nothing from another host.
"""

import unicodedata

TILE = 100
GAP = 6
# Room for a label inside a tile (view box units): its width, and the font-size range.
LABEL_WIDTH = 82
MAX_FONT_SIZE = 24
# Below this size a name with a space in it goes on two lines instead.
TWO_LINE_FONT_SIZE = 20
MAX_DOTS = 5

# JIS X 0401 prefecture code -> (column, row), north at the top.
TILES = {
    "01": (12, 0),
    "02": (12, 1),
    "05": (11, 2),
    "03": (12, 2),
    "17": (8, 3),
    "16": (9, 3),
    "15": (10, 3),
    "06": (11, 3),
    "04": (12, 3),
    "32": (3, 4),
    "31": (4, 4),
    "28": (5, 4),
    "26": (6, 4),
    "18": (7, 4),
    "21": (8, 4),
    "20": (9, 4),
    "10": (10, 4),
    "09": (11, 4),
    "07": (12, 4),
    "35": (2, 5),
    "34": (3, 5),
    "33": (4, 5),
    "27": (5, 5),
    "25": (6, 5),
    "24": (7, 5),
    "23": (8, 5),
    "19": (9, 5),
    "11": (10, 5),
    "08": (11, 5),
    "41": (0, 6),
    "40": (1, 6),
    "38": (3, 6),
    "37": (4, 6),
    "30": (5, 6),
    "29": (6, 6),
    "22": (9, 6),
    "13": (10, 6),
    "12": (11, 6),
    "42": (0, 7),
    "43": (1, 7),
    "44": (2, 7),
    "39": (3, 7),
    "36": (4, 7),
    "14": (10, 7),
    "46": (1, 8),
    "45": (2, 8),
    "47": (0, 9),
}
COLUMNS = 1 + max(column for column, _row in TILES.values())
ROWS = 1 + max(row for _column, row in TILES.values())
MAX_SHADE = 3


def _em_width(text):
    """A generous estimate of the width of `text` in em, so that the real text is narrower.

    The tile map is drawn by the server without knowing the visitor's fonts; the factors
    were measured in Chromium with Debian's Noto fonts (tests/browser/test_map_browser.py
    checks every label against its tile in all 19 languages).
    """
    width = 0.0
    for character in text:
        category = unicodedata.category(character)
        if category in {"Mn", "Me", "Cf"}:
            continue
        code_point = ord(character)
        if unicodedata.east_asian_width(character) in {"W", "F"}:
            width += 1.0
        elif character.isspace():
            width += 0.3
        elif code_point < 0x0250:
            width += 0.8 if character.isupper() else 0.68
        elif 0x0D80 <= code_point <= 0x0DFF or 0x1000 <= code_point <= 0x109F:
            # Sinhala and Myanmar letters and their spacing vowel signs are wide.
            width += 0.75 if category == "Mc" else 1.05
        elif category == "Mc":
            width += 0.5
        else:
            width += 0.8
    return width


# Thai vowels written before their consonant: a line must not end with one.
_LEADING_VOWELS = set("\u0e40\u0e41\u0e42\u0e43\u0e44")


def _break_points(name):
    """Where `name` may go onto a second line: at spaces, else between syllables.

    Names in scripts written without spaces (Burmese, Khmer, Thai…) may break before a letter
    that neither follows nor precedes a virama-like sign, so no cluster is split.
    """
    if " " in name:
        words = name.split(" ")
        return [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    points = []
    for index in range(1, len(name)):
        character = name[index]
        following = name[index + 1] if index + 1 < len(name) else ""
        if (
            unicodedata.category(character) == "Lo"
            and unicodedata.combining(name[index - 1]) != 9
            and name[index - 1] not in _LEADING_VOWELS
            and (not following or unicodedata.combining(following) != 9)
            and unicodedata.east_asian_width(character) not in {"W", "F"}
        ):
            points.append((name[:index], name[index:]))
    return points


def _fit(name):
    """Lines and font size so that `name` fits LABEL_WIDTH without distorting its glyphs."""
    one_line = min(MAX_FONT_SIZE, LABEL_WIDTH / max(_em_width(name), 0.5))
    splits = _break_points(name) if one_line < TWO_LINE_FONT_SIZE else []
    if not splits:
        return [name], one_line
    lines = min(splits, key=lambda pair: max(_em_width(pair[0]), _em_width(pair[1])))
    two_lines = min(MAX_FONT_SIZE, LABEL_WIDTH / max(_em_width(line) for line in lines))
    if two_lines <= one_line:
        return [name], one_line
    return list(lines), two_lines


def tiles(prefectures, name_for):
    """Tiles for the template from prefectures annotated with `association_count`.

    `name_for(prefecture)` gives the label in the visitor's language. The visible text of a
    tile is its name only (the count is drawn as dots and by the shade), so that the link's
    accessible name, which adds the count in words, contains the visible label word for word
    in every language (WCAG 2.5.3).
    """
    result = []
    for prefecture in prefectures:
        column, row = TILES[prefecture.code]
        name = name_for(prefecture)
        lines, font_size = _fit(name)
        x, y = column * TILE, row * TILE
        centre_x = x + TILE / 2
        # The name sits in the upper part of the tile, the dots below it.
        first_line_y = y + TILE * 0.42 - (len(lines) - 1) * font_size * 0.6
        count = prefecture.association_count
        dots = min(count, MAX_DOTS)
        dot_step = 13
        result.append(
            {
                "prefecture": prefecture,
                "name": name,
                "count": count,
                "shade": min(count, MAX_SHADE),
                "x": x + GAP / 2,
                "y": y + GAP / 2,
                "size": TILE - GAP,
                "label_x": centre_x,
                "font_size": round(font_size, 1),
                "lines": [
                    {"text": line, "y": round(first_line_y + index * font_size * 1.2, 1)}
                    for index, line in enumerate(lines)
                ],
                "dots": [
                    round(centre_x + (index - (dots - 1) / 2) * dot_step, 1)
                    for index in range(dots)
                ],
                "dots_y": y + TILE * 0.8,
            }
        )
    return result


def view_box():
    return f"0 0 {COLUMNS * TILE} {ROWS * TILE}"
