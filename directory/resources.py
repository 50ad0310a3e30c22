"""django-import-export's view of associations: the shape of directory/data/associations.csv.

Rows become field values through directory.importing (the same mapping as
`manage.py import_associations`); exports write importing.association_row().
"""

from django.core.exceptions import ValidationError
from import_export import resources
from import_export.fields import Field
from import_export.resources import Diff

from directory.importing import (
    CSV_COLUMNS,
    ImportError_,
    association_fields,
    association_row,
    lookup_key,
    stable_uuid,
)
from directory.models import Association


def clean_row(row):
    """Spreadsheet cells arrive as None or numbers; the mapping expects trimmed text."""
    for column in CSV_COLUMNS:
        value = row.get(column)
        if value is None:
            value = ""
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        row[column] = str(value).strip()
    if row["prefecture_code"].isdigit():
        row["prefecture_code"] = row["prefecture_code"].zfill(2)


def fields_for(row):
    try:
        return association_fields(row)
    except (ImportError_, KeyError, ValueError) as error:
        raise ValidationError(str(error)) from error


class RowChanges(list):
    """The package's per-column diff HTML, plus `changes`: (column, old, new) of each column
    whose value the import changes, for a preview that shows only those."""

    changes = ()


class ChangedColumnsDiff(Diff):
    """The preview compares rows as the CSV has them (association_row), not by attribute:
    most columns are not attributes of an association and came out blank."""

    def __init__(self, resource, instance, new):
        self.left = self._row(instance, new)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = self._row(instance, False)

    @staticmethod
    def _row(instance, new):
        if new or instance is None:
            return [""] * len(CSV_COLUMNS)
        row = association_row(instance)
        return ["" if row[column] is None else str(row[column]) for column in CSV_COLUMNS]

    def as_html(self):
        html = RowChanges(super().as_html())
        html.changes = [
            (column, old, new)
            for column, old, new in zip(CSV_COLUMNS, self.left, self.right, strict=True)
            if old != new
        ]
        return html


class AssociationResource(resources.ModelResource):
    class Meta:
        model = Association
        fields = ()
        import_id_fields = ("prefecture_code", "municipality_code")
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields = {
            column: Field(attribute=column, column_name=column) for column in CSV_COLUMNS
        }

    def get_diff_class(self):
        return ChangedColumnsDiff

    @classmethod
    def get_display_name(cls):
        return "associations.csv"

    def get_export_order(self):
        return CSV_COLUMNS

    def get_queryset(self):
        return Association.objects.select_related("prefecture__region")

    def export_field(self, field, instance, **kwargs):
        return association_row(instance)[field.column_name]

    def before_import_row(self, row, **kwargs):
        clean_row(row)

    def get_instance(self, instance_loader, row):
        return Association.objects.filter(**lookup_key(fields_for(row))).first()

    def import_instance(self, instance, row, **kwargs):
        fields = fields_for(row)
        if instance.pk is None:
            instance.uuid = stable_uuid(fields)
        for name, value in fields.items():
            setattr(instance, name, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return association_row(instance) == association_row(original)
