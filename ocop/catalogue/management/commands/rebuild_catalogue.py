from django.core.management.base import BaseCommand

from ocop.catalogue.models import CatalogueEntry
from ocop.catalogue.services import rebuild_catalogue


class Command(BaseCommand):
    help = (
        "Dựng lại danh mục sản phẩm OCOP công khai từ sản phẩm và giấy chứng nhận (sau khi nhập dữ liệu "
        "hàng loạt không qua giao diện). Chạy lại nhiều lần không sao."
    )

    def handle(self, *args, **options):
        total = rebuild_catalogue()
        listed = CatalogueEntry.objects.filter(listed=True).count()
        self.stdout.write(f"Danh mục công khai: {total} sản phẩm đã từng được công nhận, {listed} đang hiển thị.")
