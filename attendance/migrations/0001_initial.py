
"""Attendance and Outcome move here from the booking app: their tables (booking_attendance,
booking_outcome), indexes, constraints and rows stay as they are. Their content types move with
them, so the Staff and Coordinators groups keep their check-in, outcome and report permissions
(now `attendance.check_in`, `attendance.view_reports`, ...) and the audit log keeps its entries.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.migrations_support import move_content_types

MOVED = ["attendance", "outcome"]


def forwards(apps, schema_editor):
    move_content_types(apps, "booking", "attendance", MOVED)


def backwards(apps, schema_editor):
    move_content_types(apps, "attendance", "booking", MOVED)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('booking', '0008_school_in_core'),
        ('core', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date')),
                ('fiscal_year', models.PositiveSmallIntegerField(editable=False, verbose_name='fiscal year')),
                ('month', models.PositiveIntegerField(editable=False, help_text='YYYYMM', verbose_name='month')),
                ('kind', models.CharField(choices=[('study_space', 'Open study space'), ('science', 'Science experiment'), ('fieldwork', 'Fieldwork'), ('pbl', 'PBL project'), ('online', 'Online study'), ('consultation', 'Learning consultation')], max_length=20, verbose_name='kind of support')),
                ('source', models.CharField(choices=[('booking', 'Booked'), ('walk_in', 'Walk-in'), ('import', 'Imported')], max_length=10)),
                ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
                ('booking', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attendance', to='booking.booking')),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='booking.participant')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.school')),
                ('slot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='booking.slot')),
            ],
            options={
                'verbose_name': 'attendance',
                'verbose_name_plural': 'attendance',
                'db_table': 'booking_attendance',
                'permissions': [('check_in', 'Can check people in and register walk-ins'), ('view_reports', 'Can view and export the attendance reports')],
                'indexes': [models.Index(fields=['fiscal_year', 'month'], name='booking_att_fiscal__a7732c_idx'), models.Index(fields=['fiscal_year', 'participant', 'month', 'kind', 'school', 'slot'], name='attendance_report_cover'), models.Index(fields=['participant', 'date'], name='booking_att_partici_97c68a_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('slot__isnull', False)), fields=('participant', 'slot'), name='attendance_once_per_slot'), models.UniqueConstraint(condition=models.Q(('source', 'import')), fields=('participant', 'date', 'kind'), name='attendance_import_once')],
            },
        ),
        migrations.CreateModel(
            name='Outcome',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='fiscal year')),
                ('returned_to_school', models.BooleanField(default=False, verbose_name='returned to school')),
                ('continuing_consultation', models.BooleanField(default=False, verbose_name='continuing consultation')),
                ('took_equivalency_exam', models.BooleanField(default=False, verbose_name='took the equivalency exam')),
                ('passed_equivalency_exam', models.BooleanField(default=False, verbose_name='passed the equivalency exam')),
                ('employed', models.BooleanField(default=False, verbose_name='employed')),
                ('further_education', models.BooleanField(default=False, verbose_name='went on to further education')),
                ('recorded_at', models.DateTimeField(auto_now=True, verbose_name='recorded at')),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='outcomes', to='booking.participant')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'outcome',
                'verbose_name_plural': 'outcomes',
                'db_table': 'booking_outcome',
                'constraints': [models.UniqueConstraint(fields=('participant', 'fiscal_year'), name='outcome_once_per_year'), models.CheckConstraint(condition=models.Q(('passed_equivalency_exam', False), ('took_equivalency_exam', True), _connector='OR'), name='outcome_passed_implies_took')],
            },
        ),
            ],
        ),
    ]
