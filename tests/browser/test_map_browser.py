"""Every prefecture's name fits its tile on the map, in all 19 languages, in a real browser."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

# For each tile: how far its label's box reaches past the tile's square (negative: inside),
# the label's font size, and the link's accessible name with the label's visible text.
MEASURE_TILES = """() => [...document.querySelectorAll('.prefecture-map .tile')].map(link => {
  const tile = link.querySelector('rect').getBBox();
  const labelGroup = link.nextElementSibling;
  const label = labelGroup.querySelector('.tile__name');
  const box = label.getBBox();
  return {
    name: link.getAttribute('aria-label'),
    lines: [...label.querySelectorAll('tspan')].map(line => line.textContent),
    overflow: Math.max(
      tile.x - box.x, box.x + box.width - (tile.x + tile.width),
      tile.y - box.y, box.y + box.height - (tile.y + tile.height)),
    fontSize: parseFloat(label.getAttribute('font-size')),
  };
})"""

MIN_FONT_SIZE = 12  # view box units; a tile is 94


def test_every_name_fits_its_tile_in_every_language(page, live_server, browser_data):
    problems = []
    for language, _name in settings.LANGUAGES:
        page.goto(f"{live_server.url}/{language}/map/")
        tiles = page.evaluate(MEASURE_TILES)
        assert len(tiles) == 47
        for tile in tiles:
            if tile["overflow"] > 0 or tile["fontSize"] < MIN_FONT_SIZE:
                problems.append((language, tile))
            # WCAG 2.5.3: the accessible name begins with the visible label, word for word
            # (a name broken at a space, or between syllables where words have no spaces).
            visible = {" ".join(tile["lines"]), "".join(tile["lines"])}
            if not any(tile["name"].startswith(text) for text in visible):
                problems.append((language, tile))
    assert problems == []


def test_the_map_scrolls_sideways_on_a_phone_and_opens_on_the_east(
    browser, live_server, browser_data
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/map/")
    tile_width = page.locator(".tile rect").first.bounding_box()["width"]
    assert tile_width >= 60
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width  # only the map's own box scrolls
    hokkaido = page.locator('a.tile[href$="prefecture=01"] rect').bounding_box()
    assert 0 <= hokkaido["x"] and hokkaido["x"] + hokkaido["width"] <= 390
    context.close()
