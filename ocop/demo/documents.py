"""Demo documents (DEMO): the seed letter, Công văn số 9654/BNN-VPĐP of 12/12/2018, produced by the system for the demo seed request.

The letter is built by `letters.build_request_letter` from the request (legal basis, cut-off,
deadline, report outline) and from the programme board as of 12/12/2018 (the 22 provinces praised,
Quảng Ninh's phase II, the three provinces that had started the OCOP cycle, Bắc Kạn's criteria and
ranking). Only the wording that is this letter's own is given here, as in the seed: the subject,
the lead-in, the three policy requests, who the report goes to and the "Nơi nhận" list. It is issued
with its historical number 9654 (the ministry's series of 2018).

The issuer (Bộ Nông nghiệp và Phát triển nông thôn, BNN-VPĐP) comes from the dated issuer data
(issuers_data/issuers.json), with its sources; facts the seed does not give are gaps there (the
signer's name; the signature title "KT. BỘ TRƯỞNG / THỨ TRƯỞNG" is the usual one, marked as not
checked). Running again does nothing once the letter exists.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ocop.demo.reporting import SEED_NUMBER as SEED_REQUEST_NUMBER
from ocop.documents.issuers import load_issuers
from ocop.documents.models import DocumentStatus, Issuer, OutgoingDocument, Purpose
from ocop.documents.services import do_create_draft, do_issue
from ocop.reporting.letters import build_request_letter
from ocop.reporting.models import ReportRequest

ISSUER_CODE = "BNN-VPĐP"
SEED_NUMBER = 9654
SEED_DATE = dt.date(2018, 12, 12)
# the seed's own opening sentences (Công văn 9654/BNN-VPĐP); no other letter has them
SEED_PRAISE_INTRO = (
    "Trong thời gian qua, {issuer} đã phối hợp với các Bộ, ban ngành Trung ương, các đơn vị tư vấn hỗ trợ tích cực "
    "các địa phương tổ chức xây dựng Đề án, kế hoạch triển khai Chương trình OCOP. Đến nay trên cả nước đã có nhiều "
    "tỉnh, thành phố tích cực triển khai thực hiện chỉ đạo của Thủ tướng Chính phủ."
)
SEED_SUBJECT = "đẩy nhanh tiến độ triển khai xây dựng Chương trình mỗi xã một sản phẩm - OCOP"
SEED_LEAD_IN = (
    "Để đẩy nhanh tiến độ triển khai Chương trình OCOP theo kế hoạch đã phê duyệt, Bộ Nông nghiệp và Phát triển "
    "nông thôn đề nghị Trưởng Ban Chỉ đạo các Chương trình Mục tiêu quốc gia, Chủ tịch Ủy ban nhân dân các tỉnh, "
    "thành phố trực thuộc Trung ương chỉ đạo triển khai ngay một số nội dung như sau:"
)
SEED_REQUESTS = [
    "Chỉ đạo quyết liệt các cơ quan tham mưu hoàn thành xây dựng Đề án, Kế hoạch triển khai Chương trình OCOP để "
    "trình Ủy ban nhân dân tỉnh, thành phố xem xét, phê duyệt theo đúng tiến độ Ban Chỉ đạo Trung ương yêu cầu.",
    "Kiện toàn tổ chức triển khai Chương trình OCOP theo đúng tinh thần Quyết định số 490/QĐ-TTg ngày 07/5/2018 của "
    "Thủ tướng Chính phủ, theo đó cần giao nhiệm vụ cụ thể cho đơn vị chuyên trách cấp tỉnh, cấp huyện để chịu trách "
    "nhiệm đầu mối triển khai các nội dung, hoạt động của Chương trình OCOP; sớm tổ chức khảo sát, đánh giá, lựa chọn "
    "sản phẩm lợi thế của từng xã, huyện để xúc tiến triển khai chu trình OCOP, tổ chức đánh giá, xếp hạng sản phẩm "
    "cấp tỉnh, kịp tham gia các hoạt động xúc tiến thương mại cấp quốc gia, tham gia cuộc thi đánh giá sản phẩm OCOP "
    "quốc gia vào cuối năm 2019.",
    "Cân đối, bổ sung nguồn lực từ Chương trình Mục tiêu quốc gia xây dựng nông thôn mới, lồng ghép các nguồn lực từ "
    "các chương trình, dự án khác trên địa bàn, các nguồn lực của địa phương, xã hội để triển khai có hiệu quả "
    "Chương trình OCOP.",
]
SEED_REPORT_TO = "Ban Chỉ đạo Trung ương các Chương trình Mục tiêu quốc gia giai đoạn 2016-2020"
SEED_REPORT_TOPIC = "kết quả triển khai Chương trình OCOP"
SEED_NOI_NHAN = [
    "Như trên;",
    "Phó Thủ tướng Vương Đình Huệ (để b/c);",
    "Thành viên BCĐ TW;",
    "Thứ trưởng Trần Thanh Nam;",
    "BCĐ các Chương trình MTQG các tỉnh, thành phố (để phối hợp chỉ đạo);",
    "Sở NN&PTNT, VPĐP các tỉnh, thành phố;",
    "Lưu: VT, VPĐP. (3006)",
]


def demo_issuer() -> Issuer:
    """The ministry's issuer of 2018 (BNN-VPĐP) from the dated issuer data (issuers_data/issuers.json,
    loaded here if it is not yet): name, header, contact and signature block of 12/12/2018 with their
    sources; the signer's name is a gap."""
    load_issuers()
    return Issuer.objects.get(code=ISSUER_CODE)


def seed_letter(issuer: Issuer, request) -> OutgoingDocument:
    """Công văn 9654/BNN-VPĐP, built from the request and the board of 12/12/2018, then issued."""
    fields = build_request_letter(
        request,
        issuer=issuer,
        day=SEED_DATE,
        subject=SEED_SUBJECT,
        praise_intro=SEED_PRAISE_INTRO,
        lead_in=SEED_LEAD_IN,
        requests=SEED_REQUESTS,
        report_to=SEED_REPORT_TO,
        report_topic_text=SEED_REPORT_TOPIC,
        noi_nhan=SEED_NOI_NHAN,
    )
    with transaction.atomic():
        draft = do_create_draft(None, is_demo=True, **fields)
        return do_issue(None, draft, number=SEED_NUMBER)


def create_demo_documents() -> dict[str, int]:
    """Create the demo issuer and the seed letter once (after the reporting demo). Returns counts."""
    with transaction.atomic():
        issuer = demo_issuer()
        request = ReportRequest.objects.filter(document_number=SEED_REQUEST_NUMBER, is_demo=True).first()
        exists = OutgoingDocument.objects.filter(issuer=issuer, year=SEED_DATE.year, number=SEED_NUMBER).exists()
    if request is not None and not exists:
        seed_letter(issuer, request)
    return {
        "issuers": Issuer.objects.filter(is_demo=True).count(),
        "documents": OutgoingDocument.objects.filter(is_demo=True).count(),
        "issued": OutgoingDocument.objects.filter(is_demo=True, status=DocumentStatus.ISSUED).count(),
        "request_letters": OutgoingDocument.objects.filter(is_demo=True, purpose=Purpose.REQUEST_LETTER).count(),
    }
