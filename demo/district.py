"""The demo district: a fictional primary-education service area office, its schools and its users.

สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครชัยบุรี เขต 2 is invented (นครชัยบุรี was an old province
name, not a current one); the amphoe, tambon, village and person names are ordinary Thai names. School
codes follow the 10-digit ministry layout: ``10`` (สพฐ.) + ``29`` (a province number not in use) +
``02`` (area 2) + a 4-digit running number, so they cannot collide with a real school.
"""

from __future__ import annotations

from demo.spec import SchoolSpec, UserSpec

DISTRICT = {
    "name_th": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครชัยบุรี เขต 2",
    "short_th": "สพป.นครชัยบุรี เขต 2",
    "name_en": "Nakhon Chai Buri Primary Educational Service Area Office 2 (fictional)",
    "province_th": "นครชัยบุรี",
    "amphoe": ("โนนสะอาด", "หนองบัวทอง", "ห้วยทราย", "ภูเงิน"),
    "fictional": True,
}

# (amphoe, tambon, school name without "โรงเรียน", network, size, grades, students, director)
_SCHOOLS = [
    (
        "โนนสะอาด",
        "โนนสะอาด",
        "อนุบาลโนนสะอาด",
        "เครือข่ายโนนสะอาด 1",
        "large",
        "อ.1-ป.6",
        612,
        "นายประเสริฐ ศรีสุข",
    ),
    (
        "โนนสะอาด",
        "โนนสะอาด",
        "ชุมชนบ้านโนนสะอาด",
        "เครือข่ายโนนสะอาด 1",
        "medium",
        "อ.1-ม.3",
        348,
        "นางวิไลวรรณ ทองดี",
    ),
    ("โนนสะอาด", "หนองแวง", "บ้านหนองแวง", "เครือข่ายโนนสะอาด 1", "small", "อ.1-ป.6", 96, "นายสมพงษ์ แก้วมณี"),
    ("โนนสะอาด", "หนองแวง", "บ้านโคกสูง", "เครือข่ายโนนสะอาด 1", "small", "อ.1-ป.6", 74, "นางสาวรัตนา บุญมา"),
    ("โนนสะอาด", "ดอนยาง", "บ้านดอนยาง", "เครือข่ายโนนสะอาด 2", "medium", "อ.1-ม.3", 255, "นายบุญเลิศ พรมมา"),
    ("โนนสะอาด", "ดอนยาง", "บ้านนาดี", "เครือข่ายโนนสะอาด 2", "small", "อ.1-ป.6", 88, "นางจันทร์เพ็ญ สุขประเสริฐ"),
    ("โนนสะอาด", "โพนทอง", "บ้านโพนทอง", "เครือข่ายโนนสะอาด 2", "small", "อ.1-ป.6", 112, "นายอำนาจ ศรีวงษ์"),
    ("โนนสะอาด", "โพนทอง", "บ้านหัวนา", "เครือข่ายโนนสะอาด 2", "small", "อ.1-ป.6", 61, "นายวีระพงษ์ จันทร์หอม"),
    (
        "หนองบัวทอง",
        "หนองบัวทอง",
        "อนุบาลหนองบัวทอง",
        "เครือข่ายหนองบัวทอง 1",
        "large",
        "อ.1-ป.6",
        540,
        "นางสุกัญญา วงศ์ใหญ่",
    ),
    (
        "หนองบัวทอง",
        "หนองบัวทอง",
        "ชุมชนบ้านหนองบัว",
        "เครือข่ายหนองบัวทอง 1",
        "medium",
        "อ.1-ม.3",
        402,
        "นายธนากร สายทอง",
    ),
    ("หนองบัวทอง", "คำไผ่", "บ้านคำไผ่", "เครือข่ายหนองบัวทอง 1", "small", "อ.1-ป.6", 103, "นางพรทิพย์ ชัยมงคล"),
    ("หนองบัวทอง", "คำไผ่", "บ้านนาคำ", "เครือข่ายหนองบัวทอง 1", "small", "อ.1-ป.6", 57, "นายสุริยา ดวงแก้ว"),
    ("หนองบัวทอง", "โนนรัง", "บ้านโนนรัง", "เครือข่ายหนองบัวทอง 2", "medium", "อ.1-ม.3", 231, "นายชาญชัย ภูมิสถาน"),
    ("หนองบัวทอง", "โนนรัง", "บ้านสระแก้ว", "เครือข่ายหนองบัวทอง 2", "small", "อ.1-ป.6", 79, "นางอรุณี แสงจันทร์"),
    ("หนองบัวทอง", "โคกกลาง", "บ้านโคกกลาง", "เครือข่ายหนองบัวทอง 2", "small", "อ.1-ป.6", 92, "นายไพโรจน์ บุตรดี"),
    (
        "หนองบัวทอง",
        "โคกกลาง",
        "บ้านหนองไผ่ล้อม",
        "เครือข่ายหนองบัวทอง 2",
        "small",
        "อ.1-ป.6",
        66,
        "นางสาวกาญจนา ศรีบุญเรือง",
    ),
    ("ห้วยทราย", "ห้วยทราย", "อนุบาลห้วยทราย", "เครือข่ายห้วยทราย", "large", "อ.1-ป.6", 487, "นายเกรียงไกร มณีวงศ์"),
    ("ห้วยทราย", "ห้วยทราย", "บ้านห้วยทราย", "เครือข่ายห้วยทราย", "medium", "อ.1-ม.3", 296, "นางศิริพร คำแก้ว"),
    ("ห้วยทราย", "ดงเย็น", "บ้านดงเย็น", "เครือข่ายห้วยทราย", "small", "อ.1-ป.6", 84, "นายทองใบ สีหาราช"),
    ("ห้วยทราย", "ดงเย็น", "บ้านห้วยยาง", "เครือข่ายห้วยทราย", "small", "อ.1-ป.6", 71, "นายสมบัติ พิมพ์ทอง"),
    ("ห้วยทราย", "หินลาด", "บ้านหินลาด", "เครือข่ายห้วยทราย", "small", "อ.1-ป.6", 118, "นางบุษบา ยอดดำเนิน"),
    ("ห้วยทราย", "หินลาด", "บ้านท่าเรือ", "เครือข่ายห้วยทราย", "small", "อ.1-ป.6", 64, "นายวิชัย คำภูมี"),
    ("ห้วยทราย", "หินลาด", "บ้านกุดน้ำใส", "เครือข่ายห้วยทราย", "small", "อ.1-ป.6", 53, "นางสาวนงลักษณ์ ไชยสิทธิ์"),
    ("ภูเงิน", "ภูเงิน", "อนุบาลภูเงิน", "เครือข่ายภูเงิน", "medium", "อ.1-ป.6", 315, "นายศักดิ์ชัย ทองคำ"),
    ("ภูเงิน", "ภูเงิน", "บ้านภูเงินวิทยา", "เครือข่ายภูเงิน", "medium", "อ.1-ม.3", 284, "นางรำไพ สิทธิศักดิ์"),
    ("ภูเงิน", "ซับสมบูรณ์", "บ้านซับสมบูรณ์", "เครือข่ายภูเงิน", "small", "อ.1-ป.6", 99, "นายประยูร แสนสุข"),
    ("ภูเงิน", "ซับสมบูรณ์", "บ้านโนนค้อ", "เครือข่ายภูเงิน", "small", "อ.1-ป.6", 58, "นายอนันต์ ศรีสะอาด"),
    ("ภูเงิน", "นาเจริญ", "บ้านนาเจริญ", "เครือข่ายภูเงิน", "small", "อ.1-ป.6", 87, "นางเยาวลักษณ์ ปัญญาดี"),
    ("ภูเงิน", "นาเจริญ", "วัดศรีสว่าง", "เครือข่ายภูเงิน", "small", "อ.1-ป.6", 72, "นายเฉลิม บุญประคอง"),
    ("ภูเงิน", "นาเจริญ", "บ้านหนองตาไก้", "เครือข่ายภูเงิน", "small", "อ.1-ป.6", 45, "นางสาวปิยะนุช วงศ์ศรี"),
]

_ROMAN = {
    "อนุบาล": "Anuban ",
    "ชุมชนบ้าน": "Chumchon Ban ",
    "บ้าน": "Ban ",
    "วัด": "Wat ",
}
_PLACE_EN = {
    "โนนสะอาด": "Non Sa-at",
    "หนองแวง": "Nong Waeng",
    "โคกสูง": "Khok Sung",
    "ดอนยาง": "Don Yang",
    "นาดี": "Na Di",
    "โพนทอง": "Phon Thong",
    "หัวนา": "Hua Na",
    "หนองบัวทอง": "Nong Bua Thong",
    "หนองบัว": "Nong Bua",
    "คำไผ่": "Kham Phai",
    "นาคำ": "Na Kham",
    "โนนรัง": "Non Rang",
    "สระแก้ว": "Sa Kaeo",
    "โคกกลาง": "Khok Klang",
    "หนองไผ่ล้อม": "Nong Phai Lom",
    "ห้วยทราย": "Huai Sai",
    "ดงเย็น": "Dong Yen",
    "ห้วยยาง": "Huai Yang",
    "หินลาด": "Hin Lat",
    "ท่าเรือ": "Tha Ruea",
    "กุดน้ำใส": "Kut Nam Sai",
    "ภูเงิน": "Phu Ngoen",
    "ภูเงินวิทยา": "Phu Ngoen Witthaya",
    "ซับสมบูรณ์": "Sap Sombun",
    "โนนค้อ": "Non Kho",
    "นาเจริญ": "Na Charoen",
    "ศรีสว่าง": "Si Sawang",
    "หนองตาไก้": "Nong Ta Kai",
}


def _name_en(name: str) -> str:
    for prefix, roman in _ROMAN.items():
        if name.startswith(prefix):
            return roman + _PLACE_EN[name[len(prefix) :]] + " School"
    return _PLACE_EN[name] + " School"


def demo_schools() -> list[SchoolSpec]:
    """The 30 schools of the demo district, in code order."""
    return [
        SchoolSpec(
            code=f"102902{i:04d}",
            name_th=f"โรงเรียน{name}",
            name_en=_name_en(name),
            amphoe=amphoe,
            tambon=tambon,
            network=network,
            size=size,
            grades=grades,
            director=director,
            n_students=n,
        )
        for i, (amphoe, tambon, name, network, size, grades, n, director) in enumerate(_SCHOOLS, start=1)
    ]


_STAFF = [
    # username, display name, role, position, areas rated as an expert
    ("officer.malee", "นางมาลี ศรีประเสริฐ", "officer", "นักวิชาการศึกษาชำนาญการพิเศษ (กลุ่มงานวัดและประเมินผล)", ()),
    ("officer.anan", "นายอนันต์ ทองประเสริฐ", "officer", "ศึกษานิเทศก์ชำนาญการ (กลุ่มงานวัดและประเมินผล)", ()),
    (
        "reviewer.somsri",
        "นางสมศรี วงศ์สวัสดิ์",
        "reviewer",
        "ศึกษานิเทศก์ชำนาญการพิเศษ กลุ่มสาระภาษาไทยและภาษาต่างประเทศ",
        ("ท", "ต", "ส"),
    ),
    (
        "reviewer.prasit",
        "นายประสิทธิ์ แก้วประเสริฐ",
        "reviewer",
        "ศึกษานิเทศก์ชำนาญการพิเศษ กลุ่มสาระคณิตศาสตร์",
        ("ค", "ง", "ว"),
    ),
    (
        "reviewer.wanna",
        "นางวรรณา ศรีสมบูรณ์",
        "reviewer",
        "ศึกษานิเทศก์ชำนาญการ กลุ่มสาระวิทยาศาสตร์และเทคโนโลยี",
        ("ว", "พ", "ง", "ค"),
    ),
    (
        "reviewer.chaiwat",
        "นายชัยวัฒน์ บุญยืน",
        "reviewer",
        "ศึกษานิเทศก์ชำนาญการ กลุ่มสาระสังคมศึกษาฯ และศิลปะ",
        ("ส", "ศ", "พ", "ท"),
    ),
    (
        "reviewer.nattaya",
        "นางสาวณัฐธยา พรหมวงศ์",
        "reviewer",
        "ครูชำนาญการพิเศษ กลุ่มสาระภาษาต่างประเทศและศิลปะ",
        ("ต", "ศ", "ท"),
    ),
    (
        "reviewer.kanya",
        "นางกัลยา สุวรรณศรี",
        "reviewer",
        "ครูชำนาญการพิเศษ (ผู้เชี่ยวชาญด้านการวัดผล)",
        ("ท", "ค", "ว", "ส", "พ", "ศ", "ง", "ต"),
    ),
    ("analyst.thanet", "นายธเนศ พัฒนสุข", "analyst", "นักวิชาการศึกษาชำนาญการ (วิเคราะห์ข้อมูลผลสัมฤทธิ์)", ()),
    ("supervisor.rungnapa", "นางรุ่งนภา ศรีวิไล", "supervisor", "ศึกษานิเทศก์ชำนาญการพิเศษ", ()),
    ("supervisor.boonmee", "นายบุญมี ทองสุข", "supervisor", "ศึกษานิเทศก์ชำนาญการ", ()),
    ("qa.jintana", "นางจินตนา มีสุข", "qa", "ศึกษานิเทศก์ชำนาญการพิเศษ (กลุ่มงานประกันคุณภาพการศึกษา)", ()),
    ("secretary.wilai", "นางวิไล ทองดี", "secretary", "นักวิชาการศึกษาชำนาญการ (ฝ่ายเลขานุการ ก.ต.ป.น.)", ()),
    ("admin.kittisak", "นายกิตติศักดิ์ ใจดี", "admin", "นักวิชาการคอมพิวเตอร์ชำนาญการ", ()),
]


def demo_users() -> list[UserSpec]:
    """Every demo account: district staff by role (≥ 3 expert reviewers), then one account per school.

    No passwords here: the seeding command sets them (and prints how to sign in).
    """
    staff = [UserSpec(u, name, role, pos, learning_areas=areas) for u, name, role, pos, areas in _STAFF]
    schools = [
        UserSpec(
            f"school.{s.code}",
            f"{s.name_th} (ผู้ดูแลข้อมูลโรงเรียน)",
            "school",
            f"ครูวัดผล {s.name_th}",
            school_code=s.code,
        )
        for s in demo_schools()
    ]
    return staff + schools


def experts_for(area: str) -> list[UserSpec]:
    """Reviewers who rate congruence (IOC) for `area`, at least three for every area."""
    return [u for u in demo_users() if u.role == "reviewer" and area in u.learning_areas]
