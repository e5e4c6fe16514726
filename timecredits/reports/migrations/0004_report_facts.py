"""The contributions and members' moves of credits as reports read them, kept by triggers
(timecredits/reports/facts.py). The triggers are put in place, and the tables filled, by 0005
(which also keeps members' starts): the triggers as `facts` writes them now read its table."""

import django.db.models.deletion
from django.db import migrations, models

from timecredits.reports import facts


def remove(apps, schema_editor):
    # A database migrated before 0005 existed had its triggers put in place here: going back
    # past this migration takes them away with the tables they write.
    facts.remove(schema_editor.connection)

class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0006_session_changes'),
        ('ledger', '0008_month_end_balances'),
        ('members', '0005_user_language'),
        ('partners', '0006_invitation_emailed'),
        ('programmes', '0002_populationfigure'),
        ('reports', '0003_outputs_rollup'),
        ('spending', '0002_schedule_follows_the_task'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContributionFact',
            fields=[
                ('contribution', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='activities.contribution')),
                ('kind', models.CharField(max_length=32)),
                ('at', models.DateTimeField()),
                ('approved', models.PositiveSmallIntegerField()),
                ('check_in', models.PositiveSmallIntegerField()),
                ('minutes', models.PositiveIntegerField()),
                ('earned', models.IntegerField(default=0)),
                ('member', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.member')),
                ('organisation', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.organisation')),
                ('programme', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme')),
                ('session', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='activities.session')),
            ],
            options={
                'indexes': [models.Index(fields=['programme', 'at'], name='fact_programme_at'), models.Index(fields=['member', 'at'], name='fact_member_at'), models.Index(fields=['organisation', 'at'], name='fact_organisation_at')],
            },
        ),
        migrations.CreateModel(
            name='MoveFact',
            fields=[
                ('transfer', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='ledger.transfer')),
                ('kind', models.CharField(max_length=8)),
                ('posted_at', models.DateTimeField()),
                ('amount', models.IntegerField()),
                ('member', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.member')),
                ('offer', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='spending.offer')),
                ('venue', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['kind', 'posted_at'], name='move_kind_at'), models.Index(fields=['venue', 'posted_at'], name='move_venue_at')],
            },
        ),
        migrations.RunPython(migrations.RunPython.noop, remove),
    ]
