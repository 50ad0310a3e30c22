import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


# Facts staff recorded before sources were kept keep an empty source and date: the page
# then says the source is not recorded, and the stale filter lists them for checking.
PAIRS = (("services", "AssociationService", "service"), ("languages", "AssociationLanguage", "language"))


def copy_to_facts(apps, schema_editor):
    Association = apps.get_model("directory", "Association")
    for field_name, model_name, target in PAIRS:
        Fact = apps.get_model("directory", model_name)
        HistoricalFact = apps.get_model("directory", f"Historical{model_name}")
        OldHistorical = apps.get_model("directory", f"HistoricalAssociation_{field_name}")
        old_rows = getattr(Association, field_name).through.objects.values_list(
            "association_id", f"{target}_id"
        )
        Fact.objects.bulk_create(
            Fact(association_id=association, **{f"{target}_id": value})
            for association, value in old_rows
        )
        fact_ids = {
            (association, value): pk
            for pk, association, value in Fact.objects.values_list(
                "pk", "association_id", f"{target}_id"
            )
        }
        HistoricalFact.objects.bulk_create(
            HistoricalFact(
                m2m_history_id=row.m2m_history_id,
                history_id=row.history_id,
                association_id=row.association_id,
                # The old table kept no row id; 0 marks a pair that no longer exists.
                id=fact_ids.get((row.association_id, getattr(row, f"{target}_id")), 0),
                **{f"{target}_id": getattr(row, f"{target}_id")},
            )
            for row in OldHistorical.objects.all()
        )


def copy_from_facts(apps, schema_editor):
    Association = apps.get_model("directory", "Association")
    for field_name, model_name, target in PAIRS:
        Fact = apps.get_model("directory", model_name)
        HistoricalFact = apps.get_model("directory", f"Historical{model_name}")
        OldHistorical = apps.get_model("directory", f"HistoricalAssociation_{field_name}")
        Through = getattr(Association, field_name).through
        Through.objects.bulk_create(
            Through(association_id=association, **{f"{target}_id": value})
            for association, value in Fact.objects.values_list(
                "association_id", f"{target}_id"
            )
        )
        OldHistorical.objects.bulk_create(
            OldHistorical(
                m2m_history_id=row.m2m_history_id,
                history_id=row.history_id,
                association_id=row.association_id,
                **{f"{target}_id": getattr(row, f"{target}_id")},
            )
            for row in HistoricalFact.objects.all()
        )


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0004_association_name_reading'),
    ]

    operations = [
        migrations.AddField(
            model_name='association',
            name='contact_checked_on',
            field=models.DateField(blank=True, help_text='When someone last read the contact details on that page.', null=True, verbose_name='contact details checked on'),
        ),
        migrations.AddField(
            model_name='association',
            name='contact_source_url',
            field=models.URLField(blank=True, help_text='The page that states the address, phone, fax and e-mail above.', max_length=500, verbose_name='source of the contact details'),
        ),
        migrations.AddField(
            model_name='historicalassociation',
            name='contact_checked_on',
            field=models.DateField(blank=True, help_text='When someone last read the contact details on that page.', null=True, verbose_name='contact details checked on'),
        ),
        migrations.AddField(
            model_name='historicalassociation',
            name='contact_source_url',
            field=models.URLField(blank=True, help_text='The page that states the address, phone, fax and e-mail above.', max_length=500, verbose_name='source of the contact details'),
        ),
        migrations.CreateModel(
            name='AssociationLanguage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_url', models.URLField(blank=True, help_text='The page that states this fact, so that anyone can check it again.', max_length=500, verbose_name='source')),
                ('checked_on', models.DateField(blank=True, help_text='When someone last read the fact on that page.', null=True, verbose_name='checked on')),
                ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='language_facts', to='directory.association', verbose_name='association')),
                ('language', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='directory.language', verbose_name='consultation language')),
            ],
            options={
                'verbose_name': 'consultation language offered',
                'verbose_name_plural': 'consultation languages offered',
                'ordering': ['language__order', 'language__code'],
            },
        ),
        migrations.CreateModel(
            name='AssociationService',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_url', models.URLField(blank=True, help_text='The page that states this fact, so that anyone can check it again.', max_length=500, verbose_name='source')),
                ('checked_on', models.DateField(blank=True, help_text='When someone last read the fact on that page.', null=True, verbose_name='checked on')),
                ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_facts', to='directory.association', verbose_name='association')),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='directory.service', verbose_name='service')),
            ],
            options={
                'verbose_name': 'service offered',
                'verbose_name_plural': 'services offered',
                'ordering': ['service__order', 'service__slug'],
            },
        ),
        migrations.AddConstraint(
            model_name='associationlanguage',
            constraint=models.UniqueConstraint(fields=('association', 'language'), name='one_fact_per_association_language'),
        ),
        migrations.AddConstraint(
            model_name='associationservice',
            constraint=models.UniqueConstraint(fields=('association', 'service'), name='one_fact_per_association_service'),
        ),
        migrations.CreateModel(
            name='HistoricalAssociationLanguage',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('source_url', models.URLField(blank=True, help_text='The page that states this fact, so that anyone can check it again.', max_length=500, verbose_name='source')),
                ('checked_on', models.DateField(blank=True, help_text='When someone last read the fact on that page.', null=True, verbose_name='checked on')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('association', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.association', verbose_name='association')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='directory.historicalassociation')),
                ('language', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.language', verbose_name='consultation language')),
            ],
            options={
                'verbose_name': 'HistoricalAssociationLanguage',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalAssociationService',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('source_url', models.URLField(blank=True, help_text='The page that states this fact, so that anyone can check it again.', max_length=500, verbose_name='source')),
                ('checked_on', models.DateField(blank=True, help_text='When someone last read the fact on that page.', null=True, verbose_name='checked on')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('association', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.association', verbose_name='association')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='directory.historicalassociation')),
                ('service', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.service', verbose_name='service')),
            ],
            options={
                'verbose_name': 'HistoricalAssociationService',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(copy_to_facts, copy_from_facts),
        migrations.RemoveField(
            model_name='association',
            name='languages',
        ),
        migrations.AddField(
            model_name='association',
            name='languages',
            field=models.ManyToManyField(blank=True, related_name='associations', through='directory.AssociationLanguage', to='directory.language', verbose_name='consultation languages'),
        ),
        migrations.RemoveField(
            model_name='association',
            name='services',
        ),
        migrations.AddField(
            model_name='association',
            name='services',
            field=models.ManyToManyField(blank=True, related_name='associations', through='directory.AssociationService', to='directory.service', verbose_name='services'),
        ),
        migrations.RemoveField(
            model_name='historicalassociation_services',
            name='association',
        ),
        migrations.RemoveField(
            model_name='historicalassociation_services',
            name='history',
        ),
        migrations.RemoveField(
            model_name='historicalassociation_services',
            name='service',
        ),
        migrations.DeleteModel(
            name='HistoricalAssociation_languages',
        ),
        migrations.DeleteModel(
            name='HistoricalAssociation_services',
        ),
    ]
