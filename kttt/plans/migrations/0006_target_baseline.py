"""A target's baseline value, stored when it is fixed (issue 8, point 9): a copy to the next
period stores the old plan's final-year value of the indicator for the new area."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0005_plan_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='target',
            name='baseline',
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True, verbose_name='giá trị năm cơ sở'),
        ),
    ]
