"""Reference data that is not in the associations CSV: regions, services, languages.

The fixtures in fixtures/ are generated from this module, django-localflavor's prefecture
list and ../shared/data/associations.csv by `manage.py build_fixtures`.
"""

# CLAIR's page groups prefectures in its own way (Niigata under Hokkaido/Tohoku, Yamanashi
# and Nagano under Kanto, Mie under Tokai/Hokuriku); Nara, which has no association, is
# filed with its neighbours in Kinki.
REGIONS = (
    ("hokkaido-tohoku", "Hokkaido/Tohoku", "北海道・東北"),
    ("kanto", "Kanto", "関東"),
    ("tokai-hokuriku", "Tokai/Hokuriku", "東海・北陸"),
    ("kinki", "Kinki", "近畿"),
    ("chugoku-shikoku", "Chugoku/Shikoku", "中国・四国"),
    ("kyushu-okinawa", "Kyushu/Okinawa", "九州・沖縄"),
)

PREFECTURES_WITHOUT_ASSOCIATION_REGION = {"29": "kinki"}

SERVICES = (
    (
        "consultation",
        "Consultation for foreign residents",
        "外国人住民のための相談",
        "Advice on daily life, procedures and problems, in several languages.",
        "生活や手続き、困りごとについて、多言語で相談に応じます。",
    ),
    (
        "japanese-classes",
        "Japanese language classes",
        "日本語教室",
        "Classes and conversation groups for learning Japanese.",
        "日本語を学ぶための教室や交流の場です。",
    ),
    (
        "exchange-events",
        "International exchange events",
        "国際交流イベント",
        "Events where residents of different backgrounds meet.",
        "さまざまな国の人と地域の人が交流するイベントです。",
    ),
    (
        "interpretation",
        "Translation and interpretation",
        "翻訳・通訳",
        "Help with translating documents and interpreting.",
        "文書の翻訳や通訳の支援です。",
    ),
    (
        "disaster-support",
        "Disaster support for foreign residents",
        "外国人住民の災害時支援",
        "Multilingual support centres and information when a disaster strikes.",
        "災害時の多言語支援センターや情報提供です。",
    ),
    (
        "multilingual-information",
        "Multilingual information",
        "多言語での情報提供",
        "Information about life in Japan in several languages.",
        "日本での生活に関する情報を多言語で提供します。",
    ),
    (
        "volunteers",
        "Volunteer programmes",
        "ボランティア活動",
        "Volunteer interpreters, Japanese teachers and event helpers.",
        "通訳、日本語指導、イベントなどのボランティアです。",
    ),
    (
        "childrens-education",
        "Support for children's education",
        "子どもの教育支援",
        "Learning support and school guidance for children with foreign roots.",
        "外国につながる子どもの学習支援や就学の案内です。",
    ),
)

# The 18 languages of Japan's national help desk for foreign residents. Codes are ISO 639-1
# where one exists (Filipino has only the ISO 639-2 code "fil"). Staff add more in the admin.
CONSULTATION_LANGUAGES = (
    ("ja", "日本語", "Japanese", "日本語"),
    ("en", "English", "English", "英語"),
    ("zh", "中文", "Chinese", "中国語"),
    ("ko", "한국어", "Korean", "韓国語"),
    ("vi", "Tiếng Việt", "Vietnamese", "ベトナム語"),
    ("fil", "Filipino", "Filipino", "フィリピノ語"),
    ("pt", "Português", "Portuguese", "ポルトガル語"),
    ("es", "Español", "Spanish", "スペイン語"),
    ("ne", "नेपाली", "Nepali", "ネパール語"),
    ("id", "Bahasa Indonesia", "Indonesian", "インドネシア語"),
    ("th", "ไทย", "Thai", "タイ語"),
    ("my", "မြန်မာဘာသာ", "Burmese", "ミャンマー語"),
    ("km", "ភាសាខ្មែរ", "Khmer", "クメール語"),
    ("mn", "Монгол", "Mongolian", "モンゴル語"),
    ("si", "සිංහල", "Sinhala", "シンハラ語"),
    ("fr", "Français", "French", "フランス語"),
    ("bn", "বাংলা", "Bengali", "ベンガル語"),
    ("ur", "اردو", "Urdu", "ウルドゥー語"),
)

MULTICULTURE_DIVISION = {
    "name_en": "Multiculture Division",
    "name_ja": "多文化共生課",
    "organisation_en": "Council of Local Authorities for International Relations (CLAIR)",
    "organisation_ja": "一般財団法人自治体国際化協会",
    "phone": "+81-3-5213-1725",
    "fax": "+81-3-5213-1742",
    # Development data only: the reserved example.org domain can never reach a real mailbox.
    # Staff set the real address in the admin.
    "email": "",
    "mailboxes": "multiculture@example.org",
    "is_default": True,
}
