from django.apps import AppConfig


class SigningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ocop.signing"
    verbose_name = "Chữ ký số"

    def ready(self):
        # the evaluation app (a lower layer) announces issued certificates and asks for the file to
        # print; the signing answers both (ocop/signing/certificates.py)
        from ocop.evaluation import certificates as evaluation_certificates
        from ocop.signing import certificates

        evaluation_certificates.certificate_issued.connect(
            certificates.on_certificate_issued, dispatch_uid="ocop.signing.certificate_issued"
        )
        evaluation_certificates.register_printable(certificates.printable)

        # the documents app (a lower layer) announces issued documents and asks for signed PDFs
        # (ocop/documents/hooks.py); the signing answers both
        from ocop.documents import hooks as document_hooks
        from ocop.signing.issue import signed_pdf
        from ocop.signing.tasks import on_document_issued

        document_hooks.document_issued.connect(on_document_issued, dispatch_uid="ocop.signing.document_issued")
        document_hooks.register_pdf_signer(signed_pdf)
