# Signed OCOP certificates and attachments issued as separate files (issue 19, sections 5 and 1).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import ocop.signing.models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_issuer_versions"),
        ("evaluation", "0005_verification_lookup"),
        ("signing", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SignedCertificate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(max_length=255, upload_to="signing/certificates/")),
                ("sha256", models.CharField(db_index=True, max_length=64)),
                ("signer_name", models.CharField(blank=True, max_length=200)),
                ("organisation", models.CharField(blank=True, max_length=300)),
                ("timestamped", models.BooleanField(default=False)),
                ("signed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "certificate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signed_files",
                        to="evaluation.certificate",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-signed_at"],
                "constraints": [
                    models.UniqueConstraint(fields=("certificate",), name="signing_one_signed_file_per_certificate")
                ],
            },
        ),
        migrations.CreateModel(
            name="DocumentAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(verbose_name="thứ tự")),
                ("title", models.CharField(max_length=300, verbose_name="tên phụ lục")),
                ("original_name", models.CharField(blank=True, max_length=255)),
                ("file", models.FileField(max_length=255, upload_to=ocop.signing.models.attachment_upload_to)),
                ("sha256", models.CharField(db_index=True, max_length=64)),
                ("organisation", models.CharField(blank=True, max_length=300)),
                ("timestamped", models.BooleanField(default=False)),
                ("signed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="documents.outgoingdocument",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "phụ lục gửi kèm",
                "verbose_name_plural": "phụ lục gửi kèm",
                "ordering": ["document", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("document", "position"), name="signing_attachment_position")
                ],
            },
        ),
    ]
