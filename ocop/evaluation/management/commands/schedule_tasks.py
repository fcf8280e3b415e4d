from django.core.management.base import BaseCommand

from ocop.evaluation.certificates import ensure_daily_certificate_notices


class Command(BaseCommand):
    help = (
        "Xếp lịch các việc chạy hằng ngày (hết hiệu lực và thông báo sắp hết hiệu lực của giấy chứng nhận OCOP, "
        "07:00 giờ Việt Nam) nếu chưa có trong hàng đợi. Chạy nhiều lần không sao; `make run` gọi lệnh này."
    )

    def handle(self, *args, **options):
        if ensure_daily_certificate_notices():
            self.stdout.write("Đã xếp lịch việc hằng ngày về giấy chứng nhận OCOP.")
        else:
            self.stdout.write("Việc hằng ngày về giấy chứng nhận OCOP đã có trong hàng đợi.")
