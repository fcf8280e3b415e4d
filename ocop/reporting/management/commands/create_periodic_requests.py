from django.core.management.base import BaseCommand, CommandError

from ocop.accounts.models import Role, User
from ocop.reporting.models import ReportTemplate
from ocop.reporting.services.requests import create_periodic_requests
from ocop.lib.dates import format_date


class Command(BaseCommand):
    help = "Tạo các yêu cầu báo cáo định kỳ của một năm (quý, 6 tháng, năm) với ngày chốt số liệu theo NĐ 09/2019."

    def add_arguments(self, parser):
        parser.add_argument("--template", required=True, help="Mã mẫu báo cáo (dùng phiên bản mới nhất).")
        parser.add_argument("--kind", required=True, choices=["quarter", "half_year", "year"])
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--as-user", default=None, help="Tên đăng nhập của cán bộ Trung ương tạo yêu cầu.")

    def handle(self, *args, template, kind, year, as_user=None, **options):
        tpl = ReportTemplate.objects.filter(code=template).order_by("-version").first()
        if tpl is None:
            raise CommandError(f"Không có mẫu báo cáo mã “{template}”. Chạy load_report_templates trước.")
        users = User.objects.filter(is_active=True, role__in=[Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER])
        user = users.filter(username=as_user).first() if as_user else users.order_by("pk").first()
        if user is None:
            raise CommandError("Cần một tài khoản Trung ương (--as-user) để tạo yêu cầu.")
        created = create_periodic_requests(user, tpl, kind, year)
        for req in created:
            self.stdout.write(
                f"{req.period_code}: chốt {format_date(req.cutoff)}, hạn nộp {format_date(req.deadline)} — {req.title}"
            )
        self.stdout.write(f"Đã tạo {len(created)} yêu cầu (đang soạn; mở thu thập trên giao diện).")
