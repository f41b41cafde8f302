"""A labelled SYNTHETIC test set for the identifier scrubber (helpers.qualitative.identifiers).

:func:`identifier_cases` gives at least 200 sentences of focus-group talk, each carrying one
direct identifier and its exact text: names with and without a title (none of them in any
participants table; English, Scottish, Welsh, Irish, South Asian, African, East Asian and
Eastern European names, as an NHS workforce has), checksum-valid NHS numbers, UK phone numbers
in the usual layouts, postcodes and e-mail addresses. :func:`ordinary_sentences` gives 200
sentences of ordinary clinical and management talk with no identifier (organisation names,
acronyms, places of work, capitalised roles and sentence starts included, as real talk has).

Everything is generated from a seed; telephone numbers come from Ofcom's drama ranges and
e-mail domains are example domains, so nothing here belongs to anyone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = [
    "Siobhan",
    "Gareth",
    "Rhys",
    "Aoife",
    "Nkechi",
    "Priya",
    "Bronwen",
    "Hamish",
    "Eilidh",
    "Fionnuala",
    "Mohammed",
    "Wojciech",
    "Agnieszka",
    "Chinedu",
    "Oluwaseun",
    "Margaret",
    "David",
    "Sarah",
    "Michael",
    "Helen",
    "Imran",
    "Ffion",
    "Callum",
    "Niamh",
    "Deepak",
    "Grace",
    "Tomasz",
    "Anita",
    "Kwame",
    "Mei",
    "Rajesh",
    "Emma",
    "Patrick",
    "Yasmin",
    "Oliver",
    "Catriona",
    "Dylan",
    "Sunita",
    "Adebayo",
    "Joanne",
]
SURNAMES = [
    "Thornton",
    "Okafor",
    "Patel",
    "Kowalski",
    "Llewellyn",
    "MacLeod",
    "O'Sullivan",
    "Ahmed",
    "Nowak",
    "Adeyemi",
    "Hughes",
    "Campbell",
    "Khan",
    "Singh",
    "Murphy",
    "Evans",
    "Chen",
    "Fitzgerald",
    "Mensah",
    "Sharma",
    "Robertson",
    "Davies",
    "Wong",
    "Brennan",
    "Choudhury",
    "Fletcher",
    "Osei",
    "Lewandowski",
    "Griffiths",
    "McKenzie",
    "Begum",
    "Ashworth",
    "Kaur",
    "Whitfield",
    "Nwosu",
    "Pritchard",
    "Rahman",
    "Doherty",
    "Sutherland",
    "Bhatt",
]
TITLES = ["Dr", "Mr", "Mrs", "Ms", "Professor", "Sister", "Dr.", "Prof"]

NAME_TEMPLATES = [
    "I raised it with {x} and nothing happened.",
    "When {x} took over the directorate, things changed.",
    "{x} told us the budget was fixed for the year.",
    "We had a meeting with {x} about the rota.",
    "Honestly, {x} is the only manager who listens.",
    "The email from {x} came after the decision was made.",
    "I think {x} would say the same.",
    "It was {x} who pushed for the new pathway.",
]
OTHER_TEMPLATES = [
    "You can reach me on {x} if you want to follow it up.",
    "The patient's details, {x}, were on the whiteboard.",
    "She gave her number as {x} in the meeting.",
    "It was sent to {x} by mistake.",
    "His address ended {x}, which is near the hospital.",
    "Write it down: {x}.",
]

ORDINARY = [
    "The Trust board signed off the winter plan in October.",
    "Managers and consultants rarely sit in the same meeting.",
    "We lost three theatre sessions last week because of staffing.",
    "The medical director backs the clinical leads most of the time.",
    "Waiting times in A&E are what the board looks at first.",
    "Nobody asked the ward sisters before the beds were moved.",
    "The CQC inspection changed how the executive team talks to us.",
    "I trust the directorate manager, but not the finance team.",
    "NHS England sets the targets and we are told to meet them.",
    "Job planning is where the tension between doctors and managers shows.",
    "The consultant body voted against the new rota.",
    "Clinical directors are caught between two worlds.",
    "The business case went to the Executive Management Team twice.",
    "Our outpatient clinics are overbooked every Monday.",
    "Frankly, the cost improvement programme is cutting into safety.",
    "Grace periods for discharge summaries have gone.",
    "Most of the junior doctors want more say in the rota.",
    "The chief executive came to the ward once in three years.",
    "Quality and cost are not always in tension, in my view.",
    "Our department has had four managers in five years.",
    "The Francis report made everyone talk about culture.",
    "I think the relationship is better than it was in 2002.",
    "The divisional meeting is on Thursday afternoons.",
    "We escalated the bed shortage to the operations centre.",
    "General practitioners see the hospital managers as a barrier.",
    "The integrated care board wants the same data in a different format.",
    "Theatre utilisation is the number the managers care about.",
    "Consultants feel they are blamed for the waiting list.",
    "The nursing staff are the glue between the two groups.",
    "Mark my words, the merger will change everything.",
    "Will the new system reduce the paperwork, or add to it?",
    "May is always a quiet month for elective surgery.",
    "Hope is not a plan, as our director keeps saying.",
    "The Royal College guidance was clear about the staffing ratios.",
    "Our Medical Director chairs the clinical governance committee.",
    "The Department of Health changed the tariff again.",
    "Monitor used to ask for these figures every quarter.",
    "Patients notice when the doctors and managers disagree.",
    "The emergency department was full by nine in the morning.",
    "We presented the audit at the Wednesday governance meeting.",
]


@dataclass(frozen=True)
class IdentifierCase:
    kind: str  # name_titled, name_untitled, nhs_number, phone, postcode, email
    identifier: str  # the exact text that must not survive
    sentence: str


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, digits)) + str(check)
            return rng.choice([s, f"{s[:3]} {s[3:6]} {s[6:]}", f"{s[:3]}-{s[3:6]}-{s[6:]}"])


def _phone(rng: random.Random) -> str:
    # Ofcom numbers reserved for drama: 07700 900000-900999, 020 7946 0000-0999,
    # 0113 496 0000-0999, 0161 496 0000-0999, 01632 960000-960999.
    n = rng.randrange(1000)
    return rng.choice(
        [
            f"07700 900{n:03d}",
            f"07700900{n:03d}",
            f"+44 7700 900{n:03d}",
            f"020 7946 0{n:03d}",
            f"(020) 7946 0{n:03d}",
            f"0113 496 0{n:03d}",
            f"0161-496-0{n:03d}",
            f"01632 960{n:03d}",
            f"+44 (0)20 7946 0{n:03d}",
        ]
    )


_POSTCODES = [
    "SW1A 1AA",
    "M1 1AE",
    "B33 8TH",
    "CR2 6XH",
    "DN55 1PT",
    "LS1 4DY",
    "EH1 2NG",
    "CF10 3AT",
    "BT1 5GS",
    "G2 1DY",
    "NE1 7RU",
    "L3 9PP",
    "BS1 6QA",
    "OX3 9DU",
    "CB2 0QQ",
    "EC1A 1BB",
    "W1A 0AX",
    "N1 9GU",
    "SE1 7EH",
    "NG7 2UH",
    "S10 2JF",
    "PL6 8DH",
    "M13 9WL",
    "LE1 5WW",
]


def identifier_cases(seed: int = 20151, per_kind: dict | None = None) -> list[IdentifierCase]:
    """At least 200 labelled identifiers (default: 50 titled names, 50 untitled names, 30 NHS
    numbers, 30 phone numbers, 24 postcodes, 30 e-mail addresses)."""
    rng = random.Random(seed)
    per_kind = per_kind or {
        "name_titled": 50,
        "name_untitled": 50,
        "nhs_number": 30,
        "phone": 30,
        "postcode": 24,
        "email": 30,
    }
    cases = []
    for kind, n in per_kind.items():
        for i in range(n):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            if kind == "name_titled":
                title = TITLES[i % len(TITLES)]
                x = f"{title} {last}" if i % 2 else f"{title} {first} {last}"
                ident = x.split(" ", 1)[1]
            elif kind == "name_untitled":
                x = ident = f"{first} {last}" if i % 3 else first
            elif kind == "nhs_number":
                x = ident = _nhs_number(rng)
            elif kind == "phone":
                x = ident = _phone(rng)
            elif kind == "postcode":
                x = ident = _POSTCODES[i % len(_POSTCODES)]
            else:
                domain = rng.choice(["example.nhs.uk", "example.com", "example.org.uk"])
                x = ident = f"{first.lower()}.{last.lower().replace(chr(39), '')}@{domain}"
            templates = NAME_TEMPLATES if kind.startswith("name") else OTHER_TEMPLATES
            cases.append(IdentifierCase(kind, ident, rng.choice(templates).format(x=x)))
    return cases


_COMMON_STARTS = {
    "The",
    "Our",
    "Most",
    "Nobody",
    "Managers",
    "Consultants",
    "Patients",
    "Waiting",
    "Theatre",
    "Job",
    "Quality",
    "General",
    "Clinical",
    "We",
}


def ordinary_sentences(n: int = 200, seed: int = 20151) -> list[str]:
    """``n`` distinct sentences of clinical and management talk without any identifier."""
    rng = random.Random(seed)
    openers = ["", "To be honest, ", "In our Trust, ", "From where I sit, ", "Last winter, "]
    closers = ["", " That is the reality.", " Everyone knows it.", " It has been like that for years."]
    out: list[str] = []
    seen = set()
    while len(out) < n:
        base = rng.choice(ORDINARY)
        opener = rng.choice(openers)
        if opener and base.split()[0] in _COMMON_STARTS:
            base = base[0].lower() + base[1:]
        sentence = (opener + base + rng.choice(closers)).strip()
        if sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    return out
