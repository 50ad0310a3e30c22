"""Services and consultation languages as facts with their source and the date they were read."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_services_and_languages_recorded_before_sources():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("directory", "0004_association_name_reading")]
    after = [("directory", "0005_facts_with_provenance")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        region = old_apps.get_model("directory", "Region").objects.create(
            slug="kanto", name_ja="関東", order=2
        )
        prefecture = old_apps.get_model("directory", "Prefecture").objects.create(
            code="14", slug="kanagawa", name_ja="神奈川県", region=region
        )
        service = old_apps.get_model("directory", "Service").objects.create(
            slug="consultation", name_ja="相談"
        )
        language = old_apps.get_model("directory", "Language").objects.create(
            code="vi", native_name="Tiếng Việt", name_ja="ベトナム語"
        )
        association = old_apps.get_model("directory", "Association").objects.create(
            slug="kanagawa", name_ja="公益財団法人かながわ国際交流財団", prefecture=prefecture
        )
        association.services.add(service)
        association.languages.add(language)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        service_fact = new_apps.get_model("directory", "AssociationService").objects.get()
        language_fact = new_apps.get_model("directory", "AssociationLanguage").objects.get()
        assert (service_fact.association_id, service_fact.service_id) == (
            association.pk,
            service.pk,
        )
        assert (language_fact.association_id, language_fact.language_id) == (
            association.pk,
            language.pk,
        )
        # Nobody recorded where these came from: nothing is made up for them.
        assert service_fact.source_url == language_fact.source_url == ""
        assert service_fact.checked_on is language_fact.checked_on is None

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        restored = old_apps.get_model("directory", "Association").objects.get()
        assert list(restored.services.values_list("slug", flat=True)) == ["consultation"]
        assert list(restored.languages.values_list("code", flat=True)) == ["vi"]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
