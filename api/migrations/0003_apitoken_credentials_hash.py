from django.db import migrations, models
from django.utils.crypto import salted_hmac

SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


def bind_existing_tokens(apps, schema_editor):
    """Tokens issued before this migration keep working until the password changes: bind each to
    its user's current hash (Django's own, as nobody has signed out everywhere yet)."""
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.select_related("user").iterator():
        token.credentials_hash = salted_hmac(
            SESSION_HASH_SALT, token.user.password, algorithm="sha256"
        ).hexdigest()
        token.save(update_fields=["credentials_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_initial"),
        ("members", "0004_user_signed_out_everywhere_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="credentials_hash",
            field=models.CharField(
                default="",
                help_text="The user's session auth hash when the token was issued.",
                max_length=64,
            ),
        ),
        migrations.RunPython(bind_existing_tokens, migrations.RunPython.noop),
    ]
