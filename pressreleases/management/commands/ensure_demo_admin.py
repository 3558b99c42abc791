import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

PASSWORD_FILE = settings.VAR_DIR / "demo-admin-password"


class Command(BaseCommand):
    help = (
        "Create the demo superuser (once) and print how to log in. Development only: refused "
        "when DEBUG is off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--address", default="http://127.0.0.1:8000")

    def handle(self, *args, username: str, address: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a demo administrator while DEBUG is off; "
                "use 'manage.py createsuperuser' on a real site."
            )
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None or not PASSWORD_FILE.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = user_model.objects.create_superuser(username, "", password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            PASSWORD_FILE.parent.mkdir(exist_ok=True)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        password = PASSWORD_FILE.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {address.rstrip('/')}/admin/  user: {username}  password: {password}"
            )
        )
