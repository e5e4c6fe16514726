"""Offers and redemptions, moved here from partners: the state only, their tables stay as they were."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move_content_types(old: str, new: str):
    """The admin's log and any permissions granted on offers and redemptions follow them."""

    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        for model in ("offer", "redemption"):
            if not content_types.filter(app_label=new, model=model).exists():
                content_types.filter(app_label=old, model=model).update(app_label=new)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('ledger', '0002_guarantees'),
        ('members', '0002_initial'),
        ('partners', '0004_offers_and_redemptions_move_to_spending'),
        ('programmes', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Offer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('cost_minutes', models.PositiveIntegerField(help_text='60 minutes is one credit.', verbose_name='cost in minutes')),
                        ('category', models.CharField(choices=[('leisure', 'Leisure and sport'), ('culture', 'Culture'), ('learning', 'Learning'), ('food', 'Food and drink'), ('health', 'Health and wellbeing'), ('other', 'Other')], max_length=16, verbose_name='category')),
                        ('days_of_week', models.PositiveSmallIntegerField(default=127, verbose_name='days of the week')),
                        ('opens_at', models.TimeField(blank=True, null=True, verbose_name='available from')),
                        ('closes_at', models.TimeField(blank=True, null=True, verbose_name='available until')),
                        ('valid_from', models.DateField(blank=True, null=True, verbose_name='first day')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='last day')),
                        ('capacity', models.PositiveIntegerField(blank=True, null=True, verbose_name='places')),
                        ('capacity_period', models.CharField(blank=True, choices=[('day', 'per day'), ('week', 'per week'), ('month', 'per month')], max_length=8, verbose_name='places per')),
                        ('member_limit', models.PositiveIntegerField(blank=True, null=True, verbose_name='uses per member')),
                        ('member_limit_period', models.CharField(blank=True, choices=[('day', 'per day'), ('week', 'per week'), ('month', 'per month')], max_length=8, verbose_name='uses per member per')),
                        ('accessibility', models.TextField(blank=True, verbose_name='accessibility')),
                        ('photo', models.ImageField(blank=True, upload_to='offers/', verbose_name='photo')),
                        ('active', models.BooleanField(default=True, verbose_name='published')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offers', to='partners.organisation', verbose_name='venue')),
                        ('programmes', models.ManyToManyField(blank=True, help_text='Members of these programmes may use the offer.', related_name='offers', to='programmes.programme')),
                    ],
                    options={
                        'db_table': 'partners_offer',
                        'ordering': ['title', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Redemption',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('held', 'Waiting for the venue'), ('completed', 'Used'), ('cancelled', 'Cancelled'), ('expired', 'Expired')], default='held', max_length=10)),
                        ('method', models.CharField(choices=[('code', "Member's code"), ('pass', "Member's pass scanned by the venue")], default='code', max_length=8)),
                        ('code', models.CharField(max_length=6)),
                        ('cost_minutes', models.PositiveIntegerField(help_text='What the offer cost when redeemed.')),
                        ('idempotency_key', models.CharField(max_length=250, unique=True)),
                        ('completion_key', models.CharField(blank=True, max_length=250)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField()),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                        ('completed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('hold', models.OneToOneField(blank=True, help_text='The ledger hold that reserves the credits.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='redemption', to='ledger.transfer')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='members.member')),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='spending.offer')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='partners.organisation')),
                    ],
                    options={
                        'db_table': 'partners_redemption',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='offer',
                    index=models.Index(fields=['active', 'category'], name='partners_offer_browse'),
                ),
                migrations.AddConstraint(
                    model_name='offer',
                    constraint=models.CheckConstraint(condition=models.Q(('cost_minutes__gt', 0)), name='offer_cost_positive'),
                ),
                migrations.AddConstraint(
                    model_name='offer',
                    constraint=models.CheckConstraint(condition=models.Q(('days_of_week__gte', 1), ('days_of_week__lte', 127)), name='offer_days_of_week_valid'),
                ),
                migrations.AddConstraint(
                    model_name='offer',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('closes_at__isnull', True), ('opens_at__isnull', True)), models.Q(('closes_at__isnull', False), ('opens_at__isnull', False), ('opens_at__lt', models.F('closes_at'))), _connector='OR'), name='offer_opening_times_valid'),
                ),
                migrations.AddConstraint(
                    model_name='offer',
                    constraint=models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_until__isnull', True), ('valid_from__lte', models.F('valid_until')), _connector='OR'), name='offer_valid_dates_in_order'),
                ),
                migrations.AddConstraint(
                    model_name='offer',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('capacity__isnull', True), ('capacity_period', '')), models.Q(('capacity__gt', 0), ('capacity_period__in', ['day', 'week'])), _connector='OR'), name='offer_capacity_has_period'),
                ),
                migrations.AddConstraint(
                    model_name='offer',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('member_limit__isnull', True), ('member_limit_period', '')), models.Q(('member_limit__gt', 0), ('member_limit_period__in', ['day', 'week', 'month'])), _connector='OR'), name='offer_member_limit_has_period'),
                ),
                migrations.AddIndex(
                    model_name='redemption',
                    index=models.Index(fields=['offer', 'created_at'], name='partners_redemption_offer_day'),
                ),
                migrations.AddIndex(
                    model_name='redemption',
                    index=models.Index(fields=['member', 'created_at'], name='partners_redemption_member'),
                ),
                migrations.AddIndex(
                    model_name='redemption',
                    index=models.Index(fields=['organisation', 'code'], name='partners_redemption_code'),
                ),
                migrations.AddIndex(
                    model_name='redemption',
                    index=models.Index(condition=models.Q(('status', 'held')), fields=['expires_at'], name='partners_redemption_due'),
                ),
                migrations.AddConstraint(
                    model_name='redemption',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'held')), fields=('code',), name='redemption_live_code_unique'),
                ),
                migrations.AddConstraint(
                    model_name='redemption',
                    constraint=models.CheckConstraint(condition=models.Q(('cost_minutes__gt', 0)), name='redemption_cost_positive'),
                ),
                migrations.AddConstraint(
                    model_name='redemption',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('completed_at__isnull', False), ('status', 'completed')), models.Q(models.Q(('status', 'completed'), _negated=True), ('completed_at__isnull', True)), _connector='OR'), name='redemption_completed_has_time'),
                ),
                migrations.AddConstraint(
                    model_name='redemption',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('cancelled_at__isnull', False), ('status', 'cancelled')), models.Q(models.Q(('status', 'cancelled'), _negated=True), ('cancelled_at__isnull', True)), _connector='OR'), name='redemption_cancelled_has_time'),
                ),
                migrations.AddConstraint(
                    model_name='redemption',
                    constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='redemption_expires_after'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            _move_content_types("partners", "spending"), _move_content_types("spending", "partners")
        ),
    ]
