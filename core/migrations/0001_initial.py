
"""School moves here from the cms app: its table, cms_school, and its rows stay as they are.

The state-only operations of this migration and of booking 0008, programs 0003 and cms 0004
move the model without touching the database; cms 0004 hands its content type (and so its
permissions and audit entries) over to this app.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cms", "0003_impact_page"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='School',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('short_name', models.CharField(blank=True, max_length=30, verbose_name='short name')),
                ('is_special_needs', models.BooleanField(default=False, verbose_name='special-needs school')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'partner school',
                'verbose_name_plural': 'partner schools',
                'db_table': 'cms_school',
                'ordering': ['sort_order', 'name'],
            },
        ),
            ],
        ),
    ]
