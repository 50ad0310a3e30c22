import pytest

from directory.readings import automatic_reading, reading_sort_key, without_legal_form
from tests.factories import AssociationFactory, YokohamaFactory


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("公益財団法人横浜市国際交流協会", "よこはましこくさいこうりゅうきょうかい"),
        (
            "公益社団法人北海道国際交流・協力総合センター",
            "ほっかいどうこくさいこうりゅうきょうりょくそうごうせんたー",
        ),
        ("一般財団法人静岡市国際化協会", "しずおかしこくさいかきょうかい"),
        ("群馬県観光物産国際協会", "ぐんまけんかんこうぶっさんこくさいきょうかい"),
        ("公益財団法人ちば国際コンベンションビューロー", "ちばこくさいこんべんしょんびゅーろー"),
        ("", ""),
    ],
)
def test_the_reading_of_real_names(name, reading):
    assert automatic_reading(name) == reading


def test_the_legal_form_is_not_part_of_the_order():
    assert without_legal_form("公益財団法人 札幌国際プラザ") == "札幌国際プラザ"
    assert without_legal_form("特定非営利活動法人さっぽろ") == "さっぽろ"
    # Only a leading legal form: a name that merely contains the words keeps them.
    assert without_legal_form("国際交流財団法人研究会") == "国際交流財団法人研究会"


def test_staff_readings_are_compared_alike():
    assert (
        reading_sort_key("ヨコハマ シ・コクサイ")
        == reading_sort_key("よこはましこくさい")
        == "よこはましこくさい"
    )
    assert reading_sort_key("ＳｅｎＴＩＡ") == "sentia"


@pytest.mark.django_db
def test_japanese_pages_sort_by_reading_without_the_legal_form(client, real_data):
    response = client.get("/ja/associations/", {"region": "kanto", "sort": "name"})
    names = [a.name_ja for a in response.context["page_obj"].object_list]
    # いばらき, かながわ, かわさき, ぐんま, さいたまかんこう, さいたまけん, ちばこくさい, ちばし,
    # とうきょう, とちぎ, ながの, やまなし, よこはま: あいうえお order, 公益財団法人 ignored.
    assert names == [
        "公益財団法人茨城県国際交流協会",
        "公益財団法人かながわ国際交流財団",
        "公益財団法人川崎市国際交流協会",
        "群馬県観光物産国際協会",
        "公益社団法人さいたま観光国際協会",
        "公益財団法人埼玉県国際交流協会",
        "公益財団法人ちば国際コンベンションビューロー",
        "公益財団法人千葉市国際交流協会",
        "公益財団法人東京都つながり創生財団",
        "公益財団法人栃木県国際交流協会",
        "公益財団法人長野県国際化協会",
        "公益財団法人山梨県国際交流協会",
        "公益財団法人横浜市国際交流協会",
    ]
    # Easy Japanese pages read the same names the same way.
    easy = client.get("/ja-easy/associations/", {"region": "kanto", "sort": "name"})
    assert [a.name_ja for a in easy.context["page_obj"].object_list] == names


@pytest.mark.django_db
def test_staff_can_correct_a_reading_and_save_keeps_the_key():
    yokohama = YokohamaFactory()
    assert yokohama.name_sort_key == "よこはましこくさいこうりゅうきょうかい"
    yokohama.name_reading = "ア・テスト"
    yokohama.save(update_fields=["name_reading"])
    yokohama.refresh_from_db()
    assert yokohama.name_sort_key == "あてすと"
    # Cleared again, the automatic reading of the (possibly renamed) name comes back.
    yokohama.name_reading = ""
    yokohama.name_ja = "公益財団法人浜っ子国際協会"
    yokohama.save()
    yokohama.refresh_from_db()
    assert yokohama.name_sort_key.startswith("はまっこ")


@pytest.mark.django_db
def test_a_reading_must_be_written_in_kana():
    from django.core.exceptions import ValidationError

    yokohama = YokohamaFactory()
    for reading in ("よこはまし こくさい", "ヨコハマシ・コクサイ", "SenTIA"):
        yokohama.name_reading = reading
        yokohama.full_clean()
    yokohama.name_reading = "横浜市"
    with pytest.raises(ValidationError) as error:
        yokohama.full_clean()
    assert list(error.value.message_dict) == ["name_reading"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_sort_key_of_existing_rows():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("directory", "0003_association_listing_index")]
    after = [("directory", "0004_association_name_reading")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        Prefecture = old_apps.get_model("directory", "Prefecture")
        Region = old_apps.get_model("directory", "Region")
        region = Region.objects.create(slug="kanto", name_ja="関東", order=2)
        prefecture = Prefecture.objects.create(
            code="14", slug="kanagawa", name_ja="神奈川県", region=region
        )
        old_apps.get_model("directory", "Association").objects.create(
            slug="yokohama-city", name_ja="公益財団法人横浜市国際交流協会", prefecture=prefecture
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        association = new_apps.get_model("directory", "Association").objects.get()
        assert association.name_sort_key == "よこはましこくさいこうりゅうきょうかい"
    finally:
        # Back to the latest schema for the tests that follow, whatever happened above.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_readings_and_descriptions_of_existing_rows():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("directory", "0007_seed_help_lines")]
    after = [("directory", "0008_association_search_readings")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        Prefecture = old_apps.get_model("directory", "Prefecture")
        Region = old_apps.get_model("directory", "Region")
        region = Region.objects.create(slug="kanto", name_ja="関東", order=2)
        prefecture = Prefecture.objects.create(
            code="14", slug="kanagawa", name_ja="神奈川県", region=region
        )
        old_apps.get_model("directory", "Association").objects.create(
            slug="yokohama-city",
            name_ja="公益財団法人横浜市国際交流協会",
            name_sort_key="よこはましこくさいこうりゅうきょうかい",
            description_ja="ボランティア通訳",
            description_en="Volunteer INTERPRETERS",
            prefecture=prefecture,
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        association = new_apps.get_model("directory", "Association").objects.get()
        assert association.search_readings == (
            "よこはましこくさいこうりゅうきょうかい yokohamashikokusaikoryukyokai "
            "yokohamasikokusaikoryukyokai"
        )
        assert association.search_body == "ぼらんてぃあ通訳 volunteer interpreters"
    finally:
        # Back to the latest schema for the tests that follow, whatever happened above.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_saving_keeps_the_readings_index_current(db):
    from directory.models import Association

    yokohama = YokohamaFactory()
    AssociationFactory(name_ja="公益財団法人川崎市国際交流協会")
    yokohama.name_reading = "ハマッコ コクサイ"
    yokohama.save(update_fields=["name_reading"])
    yokohama.refresh_from_db()
    assert yokohama.search_readings == "はまっここくさい hamakkokokusai"
    assert Association.objects.search("hamakko").get() == yokohama
