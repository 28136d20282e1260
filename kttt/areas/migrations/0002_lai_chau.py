from django.db import migrations

from kttt.areas.reference import load_lai_chau, unload_lai_chau


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load_lai_chau, unload_lai_chau)]
