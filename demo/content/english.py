"""ภาษาต่างประเทศ (ภาษาอังกฤษ) ป.3 ป.6 ม.3: vocabulary, functions, grammar, culture, signs."""

from __future__ import annotations

import random

from demo.build import Draft, constructed, from_facts, from_statements, matching, mc, rubric, short

VOCAB_P3 = {
    "สัตว์": [
        ("elephant", "ช้าง"),
        ("tiger", "เสือ"),
        ("monkey", "ลิง"),
        ("rabbit", "กระต่าย"),
        ("duck", "เป็ด"),
        ("chicken", "ไก่"),
        ("fish", "ปลา"),
        ("bird", "นก"),
        ("horse", "ม้า"),
        ("cow", "วัว"),
    ],
    "ผลไม้": [
        ("banana", "กล้วย"),
        ("mango", "มะม่วง"),
        ("orange", "ส้ม"),
        ("apple", "แอปเปิล"),
        ("watermelon", "แตงโม"),
        ("papaya", "มะละกอ"),
        ("coconut", "มะพร้าว"),
        ("grape", "องุ่น"),
    ],
    "สี": [
        ("red", "สีแดง"),
        ("blue", "สีน้ำเงิน"),
        ("green", "สีเขียว"),
        ("yellow", "สีเหลือง"),
        ("black", "สีดำ"),
        ("white", "สีขาว"),
        ("pink", "สีชมพู"),
        ("brown", "สีน้ำตาล"),
    ],
    "ร่างกาย": [
        ("head", "ศีรษะ"),
        ("eye", "ตา"),
        ("ear", "หู"),
        ("nose", "จมูก"),
        ("mouth", "ปาก"),
        ("hand", "มือ"),
        ("leg", "ขา"),
        ("hair", "ผม"),
    ],
    "ครอบครัว": [
        ("father", "พ่อ"),
        ("mother", "แม่"),
        ("brother", "พี่ชายหรือน้องชาย"),
        ("sister", "พี่สาวหรือน้องสาว"),
        ("grandmother", "ยายหรือย่า"),
        ("grandfather", "ตาหรือปู่"),
    ],
    "ในห้องเรียน": [
        ("book", "หนังสือ"),
        ("pencil", "ดินสอ"),
        ("ruler", "ไม้บรรทัด"),
        ("eraser", "ยางลบ"),
        ("bag", "กระเป๋า"),
        ("desk", "โต๊ะเรียน"),
        ("chair", "เก้าอี้"),
        ("board", "กระดาน"),
    ],
}
VOCAB_P6 = {
    "อาชีพ": [
        ("teacher", "ครู"),
        ("doctor", "แพทย์"),
        ("nurse", "พยาบาล"),
        ("farmer", "ชาวนา"),
        ("police officer", "ตำรวจ"),
        ("cook", "พ่อครัวหรือแม่ครัว"),
        ("driver", "คนขับรถ"),
        ("soldier", "ทหาร"),
    ],
    "สถานที่": [
        ("hospital", "โรงพยาบาล"),
        ("market", "ตลาด"),
        ("temple", "วัด"),
        ("library", "ห้องสมุด"),
        ("post office", "ที่ทำการไปรษณีย์"),
        ("bank", "ธนาคาร"),
        ("park", "สวนสาธารณะ"),
        ("zoo", "สวนสัตว์"),
    ],
    "อากาศ": [
        ("sunny", "แดดจ้า"),
        ("rainy", "ฝนตก"),
        ("cloudy", "มีเมฆมาก"),
        ("windy", "ลมแรง"),
        ("hot", "ร้อน"),
        ("cold", "หนาว"),
    ],
    "ความรู้สึก": [
        ("happy", "มีความสุข"),
        ("sad", "เศร้า"),
        ("angry", "โกรธ"),
        ("tired", "เหนื่อย"),
        ("hungry", "หิว"),
        ("scared", "กลัว"),
    ],
    "อาหาร": [
        ("rice", "ข้าว"),
        ("noodles", "ก๋วยเตี๋ยว"),
        ("egg", "ไข่"),
        ("milk", "นม"),
        ("bread", "ขนมปัง"),
        ("soup", "ซุป"),
    ],
}
VOCAB_M3 = {
    "สิ่งแวดล้อม": [
        ("pollution", "มลพิษ"),
        ("forest", "ป่าไม้"),
        ("recycle", "นำกลับมาใช้ใหม่"),
        ("environment", "สิ่งแวดล้อม"),
        ("flood", "น้ำท่วม"),
        ("drought", "ความแห้งแล้ง"),
    ],
    "เทคโนโลยี": [
        ("download", "ดาวน์โหลด"),
        ("password", "รหัสผ่าน"),
        ("screen", "หน้าจอ"),
        ("keyboard", "แป้นพิมพ์"),
        ("message", "ข้อความ"),
        ("website", "เว็บไซต์"),
    ],
    "การท่องเที่ยว": [
        ("passport", "หนังสือเดินทาง"),
        ("ticket", "ตั๋ว"),
        ("luggage", "กระเป๋าเดินทาง"),
        ("souvenir", "ของที่ระลึก"),
        ("airport", "สนามบิน"),
        ("map", "แผนที่"),
    ],
}

DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
NUMBERS = {
    11: "eleven",
    12: "twelve",
    13: "thirteen",
    15: "fifteen",
    20: "twenty",
    21: "twenty-one",
    30: "thirty",
    34: "thirty-four",
    40: "forty",
    45: "forty-five",
    50: "fifty",
    58: "fifty-eight",
    60: "sixty",
    67: "sixty-seven",
    70: "seventy",
    80: "eighty",
    99: "ninety-nine",
    100: "one hundred",
}

FUNCTIONS = [
    (
        "A: How are you?\nB: ______",
        "I'm fine, thank you.",
        ["My name is Mali.", "I'm ten years old.", "Goodbye."],
        "ต 1.2 ป.3/1",
        "apply",
    ),
    (
        "A: Thank you very much.\nB: ______",
        "You're welcome.",
        ["Yes, please.", "I'm sorry.", "See you."],
        "ต 1.2 ป.3/1",
        "apply",
    ),
    (
        "A: What's your name?\nB: ______",
        "My name is Somchai.",
        ["I'm fine.", "I'm from Thailand.", "It's a cat."],
        "ต 1.2 ป.3/4",
        "apply",
    ),
    (
        "A: Nice to meet you.\nB: ______",
        "Nice to meet you, too.",
        ["Good night.", "I'm sorry.", "Here you are."],
        "ต 1.2 ป.3/1",
        "apply",
    ),
    (
        "A: May I come in?\nB: ______",
        "Yes, come in, please.",
        ["I'm hungry.", "It's Monday.", "Goodbye."],
        "ต 1.2 ป.3/2",
        "apply",
    ),
    (
        "A: How do you feel?\nB: ______",
        "I'm happy.",
        ["I'm a student.", "It's sunny.", "I like red."],
        "ต 1.2 ป.3/5",
        "apply",
    ),
]

GRAMMAR_P6 = [
    ("She ______ to school every day.", "goes", ["go", "going", "gone"], "ต 2.2 ป.6/1", "apply"),
    ("They ______ football after school.", "play", ["plays", "playing", "played on"], "ต 2.2 ป.6/1", "apply"),
    ("There ______ three books on the desk.", "are", ["is", "am", "be"], "ต 2.2 ป.6/1", "apply"),
    ("My father ______ a doctor.", "is", ["are", "am", "be"], "ต 2.2 ป.6/1", "apply"),
    ("______ do you go to school? — By bus.", "How", ["What", "Who", "Where"], "ต 1.2 ป.6/4", "apply"),
    (
        "______ is your birthday? — It's in May.",
        "When",
        ["Who", "What colour", "How many"],
        "ต 1.2 ป.6/4",
        "apply",
    ),
    (
        "______ pencils do you have? — Five.",
        "How many",
        ["How much", "What", "Where"],
        "ต 1.2 ป.6/4",
        "apply",
    ),
    ("The cat is ______ the table. (อยู่ใต้โต๊ะ)", "under", ["on", "in", "behind"], "ต 1.1 ป.6/3", "understand"),
]
GRAMMAR_M3 = [
    (
        "Yesterday I ______ to the market with my mother.",
        "went",
        ["go", "goes", "going"],
        "ต 2.2 ม.3/1",
        "apply",
    ),
    ("We ______ our homework last night.", "did", ["do", "does", "doing"], "ต 2.2 ม.3/1", "apply"),
    (
        "She has ______ in Chiang Mai for five years.",
        "lived",
        ["live", "lives", "living"],
        "ต 2.2 ม.3/1",
        "apply",
    ),
    (
        "If it rains tomorrow, we ______ at home.",
        "will stay",
        ["stayed", "stays", "staying"],
        "ต 2.2 ม.3/1",
        "apply",
    ),
    (
        "This bag is ______ than that one.",
        "heavier",
        ["heavy", "heaviest", "more heavy"],
        "ต 2.2 ม.3/1",
        "apply",
    ),
    (
        "Mount Everest is the ______ mountain in the world.",
        "highest",
        ["high", "higher", "more high"],
        "ต 2.2 ม.3/1",
        "apply",
    ),
    (
        "I was watching TV when the phone ______.",
        "rang",
        ["ring", "rings", "ringing"],
        "ต 2.2 ม.3/1",
        "apply",
    ),
]
IRREGULAR = [
    ("go", "went"),
    ("eat", "ate"),
    ("see", "saw"),
    ("buy", "bought"),
    ("write", "wrote"),
    ("drink", "drank"),
    ("swim", "swam"),
    ("take", "took"),
    ("make", "made"),
    ("come", "came"),
]
PLURALS = [
    ("child", "children"),
    ("mouse", "mice"),
    ("box", "boxes"),
    ("baby", "babies"),
    ("tooth", "teeth"),
    ("knife", "knives"),
    ("foot", "feet"),
    ("man", "men"),
]
FESTIVALS = [
    ("Christmas Day", "25 December"),
    ("New Year's Day", "1 January"),
    ("Valentine's Day", "14 February"),
    ("Halloween", "31 October"),
]
SIGNS = [
    ("No smoking", "ห้ามสูบบุหรี่"),
    ("Keep off the grass", "ห้ามเหยียบหญ้า"),
    ("Exit", "ทางออก"),
    ("Danger", "อันตราย"),
    ("No parking", "ห้ามจอดรถ"),
    ("Keep quiet", "กรุณาเงียบ"),
    ("Push", "ผลัก"),
    ("Pull", "ดึง"),
]


def _vocab(
    rng: random.Random, bank: dict[str, list[tuple[str, str]]], code_en_th: str, code_th_en: str, level: str
) -> list[Draft]:
    out = []
    for topic, words in bank.items():
        thai_all = [t for _, t in words]
        eng_all = [e for e, _ in words]
        for en, th in words:
            out.append(mc(f'คำว่า "{en}" หมายถึงข้อใด', th, thai_all, code_en_th, level, rng))
        for en, th in rng.sample(words, min(3, len(words))):
            out.append(mc(f'"{th}" ({topic}) ในภาษาอังกฤษคือคำใด', en, eng_all, code_th_en, level, rng))
    return [d for d in out if d]


def _sequence(rng: random.Random) -> list[Draft]:
    out = []
    for i in rng.sample(range(7), 4):
        out.append(
            mc(f"What day comes after {DAYS[i]}?", DAYS[(i + 1) % 7], DAYS, "ต 1.1 ป.3/3", "understand", rng)
        )
    for i in rng.sample(range(12), 4):
        out.append(
            mc(
                f"Which month comes before {MONTHS[i]}?",
                MONTHS[i - 1],
                MONTHS,
                "ต 3.1 ป.6/1",
                "understand",
                rng,
            )
        )
    for n, word in rng.sample(sorted(NUMBERS.items()), 6):
        out.append(
            mc(f'"{word}" คือจำนวนใด', str(n), [str(k) for k in NUMBERS], "ต 3.1 ป.3/1", "remember", rng)
        )
    return [d for d in out if d]


def _p3(rng: random.Random) -> list[Draft]:
    drafts = _vocab(rng, VOCAB_P3, "ต 1.1 ป.3/3", "ต 3.1 ป.3/1", "remember")
    drafts += from_facts(rng, FUNCTIONS) + _sequence(rng)[:4] + _sequence(rng)[8:]
    drafts.append(
        matching(
            "Match the animal with its Thai meaning (ตอบเป็น หมายเลข-ตัวอักษร เช่น 1-ก)",
            rng.sample(VOCAB_P3["สัตว์"], 4),
            ["ผีเสื้อ"],
            "ต 1.3 ป.3/2",
            "remember",
            rng,
        )
    )
    drafts += from_statements(
        [
            ('"Good morning" ใช้ทักทายในตอนเช้า', True, "ต 2.1 ป.3/1", "remember"),
            ('"Goodbye" ใช้เมื่อพบกันครั้งแรก', False, "ต 2.1 ป.3/1", "remember"),
        ]
    )
    return drafts


def _p6(rng: random.Random) -> list[Draft]:
    drafts = _vocab(rng, VOCAB_P6, "ต 1.1 ป.6/3", "ต 3.1 ป.6/1", "remember")
    drafts += from_facts(rng, GRAMMAR_P6)
    for sg, pl in PLURALS:
        d = mc(
            f'What is the plural form of "{sg}"?',
            pl,
            [sg + "s", sg + "es", pl + "s", sg + "ies"],
            "ต 2.2 ป.6/1",
            "understand",
            rng,
        )
        if d:
            drafts.append(d)
    for name, date in FESTIVALS:
        d = mc(
            f"{name} is on ______.",
            date,
            [dt for _, dt in FESTIVALS] + ["5 December"],
            "ต 2.1 ป.6/2",
            "remember",
            rng,
        )
        if d:
            drafts.append(d)
    for sign, meaning in SIGNS:
        d = mc(
            f'ป้าย "{sign}" หมายความว่าอย่างไร', meaning, [m for _, m in SIGNS], "ต 1.1 ป.6/3", "understand", rng
        )
        if d:
            drafts.append(d)
    drafts += _sequence(rng)[4:8]
    drafts.append(
        constructed(
            "Write 5 sentences about yourself: your name, age, school, family and favourite food.",
            rubric(
                3,
                [
                    "เขียนครบ 5 ประโยค ถูกไวยากรณ์และสะกดคำถูกต้องเกือบทั้งหมด",
                    "เขียนครบ 5 ประโยค มีข้อผิดพลาดบ้าง",
                    "เขียนได้ 2–4 ประโยค หรือผิดมาก",
                    "ไม่เขียน หรือเขียนเป็นภาษาไทย",
                ],
            ),
            "ต 1.3 ป.6/1",
            "create",
            competency_codes=("1",),
        )
    )
    return drafts


READING_M3 = (
    "Dear Nok,\nLast weekend my family went to Khao Yai National Park. We left home at 6 a.m. and arrived at 9 a.m. "
    "We saw a big elephant near the road, so my father stopped the car and waited quietly. In the afternoon we "
    "walked to Haew Suwat Waterfall. It was beautiful but the water was very cold. I want to go again in winter.\n"
    "Love,\nMint"
)


def _m3(rng: random.Random) -> list[Draft]:
    drafts = _vocab(rng, VOCAB_M3, "ต 1.1 ม.3/1", "ต 3.1 ม.3/1", "understand")
    drafts += from_facts(rng, GRAMMAR_M3)
    for base, past in IRREGULAR:
        d = mc(
            f'What is the past simple form of "{base}"?',
            past,
            [base + "ed", base + "s", base + "ing", past + "ed"],
            "ต 2.2 ม.3/1",
            "remember",
            rng,
        )
        if d:
            drafts.append(d)
    for base, past in IRREGULAR[:6]:
        drafts.append(
            short(
                f'จงเขียนรูปอดีต (past simple) ของคำกริยา "{base}"',
                [past, past.capitalize()],
                "ต 2.2 ม.3/1",
                "remember",
            )
        )
    questions = [
        (
            "Where did Mint's family go last weekend?",
            "Khao Yai National Park",
            ["Haew Suwat Market", "Chiang Mai", "The beach"],
            "ต 1.1 ม.3/1",
            "remember",
        ),
        (
            "How long did the trip to the park take?",
            "Three hours",
            ["Six hours", "One hour", "Nine hours"],
            "ต 1.1 ม.3/1",
            "apply",
        ),
        (
            "Why did Mint's father stop the car?",
            "Because there was an elephant near the road",
            ["Because the car was broken", "Because they were hungry", "Because it was raining"],
            "ต 1.3 ม.3/2",
            "understand",
        ),
        (
            "What is the main idea of the letter?",
            "Mint tells Nok about a family trip",
            ["Mint invites Nok to a party", "Mint asks Nok for help", "Mint describes her school"],
            "ต 1.3 ม.3/2",
            "analyze",
        ),
    ]
    for pos, (q, right, wrong, code, level) in enumerate(questions, start=1):
        d = mc(q, right, wrong, code, level, rng, set_key="FL-M3-A", set_position=pos, estimated_time_s=75)
        if d:
            drafts.append(d)
    drafts.append(
        constructed(
            "Write a short e-mail (60–80 words) to a foreign friend inviting him or her to visit a tourist attraction in "
            "your province. Say what it is, how to get there and what you can do there.",
            rubric(
                4,
                [
                    "ครบทุกประเด็น ใช้รูปแบบอีเมลถูกต้อง ไวยากรณ์และคำศัพท์ถูกต้องเกือบทั้งหมด สื่อสารชัดเจน",
                    "ครบทุกประเด็น มีข้อผิดพลาดเล็กน้อยที่ไม่ทำให้ความหมายเสีย",
                    "ขาด 1 ประเด็น หรือผิดจนบางตอนอ่านเข้าใจยาก",
                    "เขียนได้น้อยกว่า 30 คำ หรือผิดมาก",
                    "ไม่เขียน",
                ],
            ),
            "ต 4.2 ม.3/2",
            "create",
            competency_codes=("1",),
            trait_codes=("7.1",),
        )
    )
    return drafts


def passages(grade: str) -> list[tuple[str, str, str]]:
    return [("FL-M3-A", "A letter from Mint", READING_M3)] if grade == "ม.3" else []


def generate(rng: random.Random, grade: str) -> list[Draft]:
    return {"ป.3": _p3, "ป.6": _p6, "ม.3": _m3}.get(grade, lambda _r: [])(rng)
