"""A tile-grid map of Japan: one square per prefecture, roughly where it lies.

Drawn as inline SVG by the server: no map tiles, no script, nothing from another host.
"""

import unicodedata

TILE = 100
GAP = 6
LABEL_WIDTH = 88
LABEL_FONT_SIZE = 22

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


def _estimated_width(text, font_size=LABEL_FONT_SIZE):
    width = 0.0
    for character in text:
        if unicodedata.combining(character) or unicodedata.category(character) == "Mn":
            continue
        width += 1.0 if unicodedata.east_asian_width(character) in {"W", "F"} else 0.5
    return width * font_size


def tiles(prefectures, name_for):
    """Tiles for the template from prefectures annotated with `association_count`.

    `name_for(prefecture)` gives the label in the visitor's language. Long labels get an
    SVG textLength so that they fit their square in any script.
    """
    result = []
    for prefecture in prefectures:
        column, row = TILES[prefecture.code]
        name = name_for(prefecture)
        x, y = column * TILE, row * TILE
        result.append(
            {
                "prefecture": prefecture,
                "name": name,
                "count": prefecture.association_count,
                "shade": min(prefecture.association_count, MAX_SHADE),
                "x": x + GAP / 2,
                "y": y + GAP / 2,
                "size": TILE - GAP,
                "label_x": x + TILE / 2,
                "label_y": y + TILE * 0.45,
                "count_y": y + TILE * 0.78,
                "squeeze": LABEL_WIDTH if _estimated_width(name) > LABEL_WIDTH else None,
            }
        )
    return result


def view_box():
    return f"0 0 {COLUMNS * TILE} {ROWS * TILE}"
