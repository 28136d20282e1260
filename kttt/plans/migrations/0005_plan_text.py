"""The plan's own text (issue 8, point 3): the approving decision as number, date and
issuing agency, the legal bases, sections I, II.3 and III.1.

The old free text `decision` is kept as it was (shown only while the three new fields are
blank) and read once here: "Quyết định số 12/QĐ-UBND ngày 05/3/2021 của UBND huyện Phong
Thổ" gives the number after "số", the date after "ngày" (dd/mm/yyyy or "dd tháng m năm
yyyy") and the agency after "của"; what is not found stays blank."""

import datetime as dt
import re

from django.db import migrations, models

NUMBER = re.compile(r"\bsố\s*:?\s*(\d+[\w./-]*)", re.IGNORECASE)
DATE = re.compile(
    r"\bngày\s+(\d{1,2})(?:\s*/\s*|\s*-\s*|\s*\.\s*|\s+tháng\s+)(\d{1,2})"
    r"(?:\s*/\s*|\s*-\s*|\s*\.\s*|\s+năm\s+)(\d{4})",
    re.IGNORECASE,
)
AGENCY = re.compile(r"\bcủa\s+(.+?)\s*[.;,]?\s*$", re.IGNORECASE)


def read_decision(text):
    """(number, date, agency) found in the old free text; blank where not found."""
    number = NUMBER.search(text)
    date = DATE.search(text)
    agency = AGENCY.search(text)
    day = None
    if date:
        try:
            day = dt.date(int(date[3]), int(date[2]), int(date[1]))
        except ValueError:
            day = None
    return (
        number[1].rstrip(".,;")[:50] if number else "",
        day,
        agency[1][:200] if agency else "",
    )


def forwards(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    for plan in Plan.objects.exclude(decision=""):
        number, day, agency = read_decision(plan.decision)
        plan.decision_number, plan.decision_date, plan.decision_agency = number, day, agency
        plan.save(update_fields=["decision_number", "decision_date", "decision_agency"])


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0004_implementing_units_through_time'),
    ]

    operations = [
        migrations.AddField(
            model_name='plan',
            name='assessment',
            field=models.TextField(blank=True, verbose_name='đánh giá tình hình hoạt động của HTX (mục II.3)'),
        ),
        migrations.AddField(
            model_name='plan',
            name='decision_agency',
            field=models.CharField(blank=True, max_length=200, verbose_name='cơ quan ban hành'),
        ),
        migrations.AddField(
            model_name='plan',
            name='decision_date',
            field=models.DateField(blank=True, null=True, verbose_name='ngày quyết định'),
        ),
        migrations.AddField(
            model_name='plan',
            name='decision_number',
            field=models.CharField(blank=True, max_length=50, verbose_name='số, ký hiệu quyết định'),
        ),
        migrations.AddField(
            model_name='plan',
            name='general_objective',
            field=models.TextField(blank=True, verbose_name='mục tiêu chung (mục III.1)'),
        ),
        migrations.AddField(
            model_name='plan',
            name='legal_bases',
            field=models.TextField(blank=True, help_text='Mỗi căn cứ một dòng.', verbose_name='căn cứ'),
        ),
        migrations.AddField(
            model_name='plan',
            name='purpose',
            field=models.TextField(blank=True, verbose_name='mục đích, yêu cầu (mục I)'),
        ),
        migrations.AlterField(
            model_name='plan',
            name='decision',
            field=models.CharField(blank=True, max_length=200, verbose_name='quyết định phê duyệt (văn bản cũ)'),
        ),
            migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
