"""When each member first gave time in a programme (`MemberStart`), kept by triggers on the
contributions' facts; each move of credits with its member's programme (so the whole programme's
moves are read without joining every member); and every trigger of
`timecredits/reports/facts.py` put in place, with the facts and the starts filled from what is
there already (by 0007 now)."""

import django.db.models.deletion
from django.db import migrations, models

from timecredits.reports import facts


def install(apps, schema_editor):
    # Left to 0007, which rebuilds every table and puts every trigger in place with today's
    # code (this migration once did, before 0007 added a column today's code writes).
    pass


def remove(apps, schema_editor):
    facts.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0005_user_language'),
        ('programmes', '0002_populationfigure'),
        ('reports', '0004_report_facts'),
    ]

    operations = [
        migrations.CreateModel(
            name='MemberStart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_at', models.DateTimeField(null=True)),
                ('member', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.member')),
                ('programme', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('member', 'programme'), name='member_start_once')],
            },
        ),
        migrations.RemoveIndex(
            model_name='movefact',
            name='move_kind_at',
        ),
        migrations.AddField(
            model_name='movefact',
            name='programme',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme'),
        ),
        migrations.AddIndex(
            model_name='movefact',
            index=models.Index(fields=['programme', 'kind', 'posted_at'], name='move_programme_kind_at'),
        ),
        migrations.RunPython(install, remove),
    ]
