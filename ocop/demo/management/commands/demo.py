from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ocop.demo.accounts import DEMO_PASSWORD, create_demo_users
from ocop.demo.catalogue import create_demo_certificates
from ocop.demo.documents import create_demo_documents
from ocop.evaluation.loader import load_criteria
from ocop.demo.programme import create_demo_programme
from ocop.demo.products import create_demo_products
from ocop.demo.reporting import create_demo_reporting
from ocop.reporting.loader import load_templates


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (DEMO): một tài khoản cho mỗi vai trò và nội dung minh họa. Chạy lại nhiều lần không sao."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Không in danh sách tài khoản.")

    def handle(self, *args, quiet_accounts=False, **options):
        call_command("load_units", stdout=self.stdout)
        rows = create_demo_users()
        counts = create_demo_programme()
        cache.delete("ocop:demo_present")
        self.stdout.write(
            "Dữ liệu chương trình mẫu (DEMO): "
            f"{counts['plans']} đề án, kế hoạch; {counts['organisation']} bộ máy tổ chức; "
            f"{counts['documents']} văn bản chỉ đạo; {counts['activities']} hoạt động; "
            f"{counts['funding']} khoản kinh phí; {counts['milestones']} mốc Chu trình OCOP."
        )
        load_templates()
        rc = create_demo_reporting()
        self.stdout.write(
            f"Báo cáo mẫu (DEMO): {rc['requests']} yêu cầu báo cáo ({rc['open']} đang thu thập); "
            f"{rc['submitted']} báo cáo đã nộp ({rc['accepted']} đã tiếp nhận, {rc['waiting']} chờ xem xét, "
            f"{rc['returned']} trả lại để sửa), {rc['drafts']} báo cáo đang soạn; {rc['officers']} tài khoản cán bộ tỉnh mẫu."
        )
        dc = create_demo_documents()
        self.stdout.write(f"Văn bản đi mẫu (DEMO): {dc['documents']} văn bản, {dc['issued']} đã ban hành.")
        from ocop.signing.demo import create_test_ca

        ca = create_test_ca()  # local TEST CA under var/signing, demo signature/seal images (docs/signing.md)
        self.stdout.write(
            f"Chữ ký số THỬ NGHIỆM: {ca['signers']} người ký, {ca['organisations']} cơ quan, {ca['images']} ảnh mẫu mới."
        )
        criteria = load_criteria()
        self.stdout.write(f"Bộ tiêu chí OCOP: {criteria.summary()}")
        pc = create_demo_products()
        self.stdout.write(
            f"Chủ thể, sản phẩm mẫu (DEMO): {pc['entities']} chủ thể, {pc['products']} sản phẩm ({pc['certified']} đang được công nhận), {pc['dossiers']} hồ sơ, {pc['files']} tệp hồ sơ."
        )
        cc = create_demo_certificates()
        self.stdout.write(
            f"Giấy chứng nhận OCOP mẫu (DEMO) cho danh mục công khai: {cc['demo_certificates']} giấy chứng nhận."
        )
        if quiet_accounts:
            return
        self.stdout.write("")
        self.stdout.write("Tài khoản mẫu (DEMO) — mật khẩu chung: " + DEMO_PASSWORD)
        width = max(len(r[0]) for r in rows)
        for username, role, scope in rows:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {scope}")
        self.stdout.write("")
