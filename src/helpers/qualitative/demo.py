"""Synthetic demonstration data for the qualitative strand: two focus groups and seven interviews.

Everything here is FICTIONAL: the transcripts were written for this software around the themes
the 2015 study reported (../shared/reference/study-facts.md): a heavy clinical workload alongside
running a service, turnover of managers, "going over to the dark side", losing clinical
credibility, a role chosen or foisted, the financial squeeze, regulation and the 2012 Act, with
managers' and chief executives' views too. Names and e-mail addresses are invented (they are
there so the scrubbing can be seen to work).

:func:`write_demo` writes, from a seed, a REFI-QDA project coded by two coders (a share of the
passages double-coded, for the agreement statistics) and the participants table. The same seed
gives the same bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from helpers import outputs
from helpers.qualitative import refi_qda

SYNTHETIC_NOTE = (
    "SYNTHETIC DATA: fictional transcripts written to demonstrate the analysis software; "
    "no real person, trust or interview is represented."
)

# theme -> [(code, definition)]
CODEBOOK = {
    "Combining clinical and managerial work": [
        (
            "Clinical workload alongside management",
            "Running a service on top of a full clinical job; too little protected time.",
        ),
        (
            "Chosen or foisted role",
            "How the role was taken on: sought out, or handed over because nobody else would.",
        ),
    ],
    "Professional identity": [
        (
            "Going over to the dark side",
            "Suspicion or hostility from medical colleagues towards doctors who manage.",
        ),
        (
            "Losing clinical credibility",
            "Fear of losing clinical skills, standing or credibility with peers.",
        ),
    ],
    "Management turnover": [
        ("Turnover of managers", "Managers, directors and chief executives moving on; interim posts."),
        ("Relationships disrupted", "Working relationships that have to be renegotiated after each change."),
    ],
    "External pressures": [
        ("Financial squeeze", "Savings targets, deficits and the tension between cost and quality."),
        (
            "Regulation and inspection",
            "Regulators, inspections and targets, felt as poorly co-ordinated or punitive.",
        ),
        (
            "Health and Social Care Act 2012",
            "The 2012 reorganisation and its after-effects on local relationships.",
        ),
    ],
    "Working together": [
        ("Shared priorities for patients", "Doctors and managers seeing patient care as their common aim."),
        (
            "Communication and trust",
            "How openly doctors and managers talk, and whether they trust each other.",
        ),
    ],
}

# (speaker kind, codes, passage). kind: "doctor" (clinical/medical directors) or "manager"
# (directorate managers, chief executives).
PASSAGES = [
    (
        "doctor",
        ["Clinical workload alongside management"],
        "I still do three clinics and an on-call rota, and the directorate work gets done in the evenings. The job plan says two sessions for management; in practice it is whatever is left over.",
    ),
    (
        "doctor",
        ["Clinical workload alongside management"],
        "On a Monday I can go from a theatre list straight into a budget meeting. You never feel you are doing either properly.",
    ),
    (
        "doctor",
        ["Clinical workload alongside management", "Financial squeeze"],
        "We were asked to find savings while the waiting list kept growing, and I was covering gaps in the rota myself. There is no slack anywhere.",
    ),
    (
        "manager",
        ["Clinical workload alongside management"],
        "My clinical director is brilliant but I only get her for an hour a week between clinics. Decisions wait because the doctor is in theatre.",
    ),
    (
        "manager",
        ["Clinical workload alongside management", "Communication and trust"],
        "I try to fit meetings around the clinical timetable rather than the other way round. If you book a consultant into a nine o'clock on a clinic day, you have already lost them.",
    ),
    (
        "doctor",
        ["Chosen or foisted role"],
        "Nobody else would do it. It went round the table and I was the one who did not say no quickly enough.",
    ),
    (
        "doctor",
        ["Chosen or foisted role"],
        "I actually wanted this. I had seen how decisions were made without us and thought a clinician should be in the room.",
    ),
    (
        "doctor",
        ["Chosen or foisted role", "Going over to the dark side"],
        "It was my turn on the rota of misery, as my colleagues call it. They were relieved it was me and not them, and they let me know it.",
    ),
    (
        "manager",
        ["Chosen or foisted role"],
        "Some of our clinical directors applied because they wanted to shape the service; others were volunteered. You can usually tell which is which within a month.",
    ),
    (
        "doctor",
        ["Going over to the dark side"],
        "The first time I defended a decision from the executive team, a colleague said I had gone over to the dark side. He was only half joking.",
    ),
    (
        "doctor",
        ["Going over to the dark side", "Communication and trust"],
        "In the mess they stop talking when I come in. I am seen as one of them now, the managers.",
    ),
    (
        "manager",
        ["Going over to the dark side"],
        "When a consultant takes on a management role their colleagues sometimes treat them as a traitor. We lose good people that way.",
    ),
    (
        "doctor",
        ["Losing clinical credibility"],
        "My worry is that I am doing fewer lists and the juniors notice. If you stop being a good clinician, you lose the right to lead other clinicians.",
    ),
    (
        "doctor",
        ["Losing clinical credibility"],
        "I kept one specialist clinic precisely so that nobody could say I had stopped being a doctor.",
    ),
    (
        "doctor",
        ["Losing clinical credibility", "Chosen or foisted role"],
        "I will go back to full-time clinical work after this term. Any longer and my skills would not be what they were.",
    ),
    (
        "manager",
        ["Losing clinical credibility"],
        "The best medical leaders we have kept a foot in clinical work. The ones who stopped completely lost their authority with the consultants.",
    ),
    (
        "doctor",
        ["Turnover of managers"],
        "I have had four general managers in three years. Each one arrives with a new plan and leaves before it is finished.",
    ),
    (
        "doctor",
        ["Turnover of managers", "Relationships disrupted"],
        "No sooner have you worked out how a manager thinks and built some trust than they move on and you start again.",
    ),
    (
        "manager",
        ["Turnover of managers"],
        "I am the third directorate manager in this post since the merger. The consultants have seen managers come and go and they wait to see whether I will last.",
    ),
    (
        "manager",
        ["Turnover of managers", "Health and Social Care Act 2012"],
        "After the 2012 reorganisation half of the people I used to ring had gone. We lost a lot of knowledge about who to talk to.",
    ),
    (
        "doctor",
        ["Relationships disrupted"],
        "We had a good arrangement with the old director of operations. The new one does not know us, so every conversation feels like a negotiation from scratch.",
    ),
    (
        "manager",
        ["Relationships disrupted", "Communication and trust"],
        "Relationships here are personal, not structural. When one person leaves, the agreement leaves with them.",
    ),
    (
        "doctor",
        ["Financial squeeze"],
        "Every meeting now starts with the deficit. Quality comes second, whatever the posters on the wall say.",
    ),
    (
        "doctor",
        ["Financial squeeze", "Shared priorities for patients"],
        "I understand the money matters, but when a saving means a longer wait for a frail patient, I have to say so.",
    ),
    (
        "manager",
        ["Financial squeeze"],
        "We have a savings target of four per cent again this year. I spend more time on the cost improvement plan than on anything else.",
    ),
    (
        "manager",
        ["Financial squeeze", "Shared priorities for patients"],
        "The tension between cost and quality is real, but most of the time the cheapest safe option and the best option for the patient are the same.",
    ),
    (
        "doctor",
        ["Regulation and inspection"],
        "We had the inspectors in for three days. The preparation took months and the report told us what we already knew.",
    ),
    (
        "doctor",
        ["Regulation and inspection", "Financial squeeze"],
        "The regulators want more nurses on the ward and the commissioners want the budget cut. Both letters arrived in the same week.",
    ),
    (
        "manager",
        ["Regulation and inspection"],
        "The system for regulating hospitals feels poorly co-ordinated and punitive. We answer the same question for four different bodies.",
    ),
    (
        "manager",
        ["Regulation and inspection", "Communication and trust"],
        "Before an inspection everyone pulls together; the doctors and managers are on the same side against the inspectors, which is not how it should be.",
    ),
    (
        "doctor",
        ["Health and Social Care Act 2012"],
        "The 2012 Act was meant to put clinicians in charge of commissioning. From here it mostly produced new organisations and new acronyms.",
    ),
    (
        "manager",
        ["Health and Social Care Act 2012"],
        "After the Act the structures changed around us every year. The relationships inside the hospital were the only stable thing we had.",
    ),
    (
        "doctor",
        ["Shared priorities for patients"],
        "When we sit down with the patient in the middle of the discussion, the manager and I usually agree within ten minutes.",
    ),
    (
        "manager",
        ["Shared priorities for patients"],
        "I came into the health service to improve care, the same as the doctors did. We do not always agree on how, but we agree on why.",
    ),
    (
        "manager",
        ["Shared priorities for patients", "Communication and trust"],
        "Relations with our medical staff are better than they were ten years ago. I think the consultants believe now that we put patient care first.",
    ),
    (
        "doctor",
        ["Communication and trust"],
        "I trust my directorate manager completely. We meet every week and nothing is a surprise to either of us.",
    ),
    (
        "doctor",
        ["Communication and trust", "Going over to the dark side"],
        "The board sends down decisions and I have to sell them to colleagues who were not asked. That is where the trust breaks.",
    ),
    (
        "manager",
        ["Communication and trust"],
        "I make a point of walking the wards and meeting the clinical directors one to one. You cannot lead doctors by e-mail.",
    ),
]

PASSAGES += [
    (
        "doctor",
        ["Clinical workload alongside management", "Losing clinical credibility"],
        "If I drop a clinic to go to a meeting, my patients wait longer and my colleagues cover for me. They remember that.",
    ),
    (
        "doctor",
        ["Turnover of managers", "Financial squeeze"],
        "Every new finance director brings a new savings scheme. We never see one through before the next arrives.",
    ),
    (
        "doctor",
        ["Regulation and inspection", "Communication and trust"],
        "Targets come down from above and nobody asks the people who run the clinics whether they are achievable.",
    ),
    (
        "doctor",
        ["Shared priorities for patients"],
        "The best decisions we made as a directorate started from a patient complaint, not a spreadsheet.",
    ),
    (
        "manager",
        ["Going over to the dark side", "Communication and trust"],
        "I have watched consultants stop speaking to a colleague who became clinical director. It makes my job harder because he is then isolated.",
    ),
    (
        "manager",
        ["Turnover of managers", "Relationships disrupted"],
        "We have had three chief operating officers in four years. Each time the clinical directors have to start building trust again.",
    ),
    (
        "manager",
        ["Chosen or foisted role", "Clinical workload alongside management"],
        "We struggle to recruit clinical directors because the time allowed for the role is not enough and everybody knows it.",
    ),
    (
        "manager",
        ["Financial squeeze", "Regulation and inspection"],
        "We are told to save money and to meet every standard in full at the same time. The doctors see me as the face of the savings.",
    ),
]

PROMPTS = [
    "Can you describe what your role involves day to day?",
    "How did you come to take on the role?",
    "How do your colleagues see the role?",
    "What has changed in the last few years?",
    "What gets in the way of doctors and managers working well together?",
    "What would help?",
]
FILLERS = [
    "Yes, I would agree with that.",
    "That is a fair point.",
    "It varies a lot between directorates.",
    "Can I come back to that?",
]

# pseudonym, role group, level, group, setting, fictional name
PARTICIPANTS = [
    ("FG1-P1", "clinical director", "directorate", "FG1", "focus group", "Sam Okafor"),
    ("FG1-P2", "clinical director", "directorate", "FG1", "focus group", "Priya Raman"),
    ("FG1-P3", "directorate manager", "directorate", "FG1", "focus group", "Gareth Lloyd"),
    ("FG1-P4", "directorate manager", "directorate", "FG1", "focus group", "Fiona Bell"),
    ("FG1-P5", "medical director", "board", "FG1", "focus group", "Tomasz Nowak"),
    ("FG1-P6", "chief executive", "board", "FG1", "focus group", "Helen Carter"),
    ("INT01", "clinical director", "directorate", "INT01", "interview", "Rachel Adeyemi"),
    ("INT02", "clinical director", "directorate", "INT02", "interview", "Mark Whitfield"),
    ("INT03", "clinical director", "directorate", "INT03", "interview", "Aisha Siddiqui"),
    ("INT04", "medical director", "board", "INT04", "interview", "David Brennan"),
    ("INT05", "chief executive", "board", "INT05", "interview", "Catherine Mills"),
    ("INT06", "directorate manager", "directorate", "INT06", "interview", "Joanne Price"),
    ("INT07", "directorate manager", "directorate", "INT07", "interview", "Neil Harper"),
    # A second focus group of directorate staff with one board member, a lone chief executive:
    # "chief executive" and its coarser "board member" would each name one person in FG2, so
    # the findings call them "participant" (helpers.qualitative.privacy; issue 13, item 6).
    ("FG2-P1", "clinical director", "directorate", "FG2", "focus group", "Owen Pritchard"),
    ("FG2-P2", "clinical director", "directorate", "FG2", "focus group", "Leila Haddad"),
    ("FG2-P3", "directorate manager", "directorate", "FG2", "focus group", "Martin Shaw"),
    ("FG2-P4", "directorate manager", "directorate", "FG2", "focus group", "Ruth Evans"),
    ("FG2-P5", "chief executive", "board", "FG2", "focus group", "Alan Hughes"),
]
DOCTOR_ROLES = {"clinical director", "medical director"}


def _codes_table(rng: random.Random) -> pd.DataFrame:
    rows = []
    for theme, codes in CODEBOOK.items():
        theme_guid = refi_qda.seeded_guid(rng).lower()
        rows.append(
            {
                "code_guid": theme_guid,
                "name": theme,
                "path": theme,
                "parent_guid": None,
                "theme_path": theme,
                "depth": 0,
                "description": f"Theme: {theme.lower()}.",
                "is_codable": True,
                "color": "",
            }
        )
        for name, definition in codes:
            rows.append(
                {
                    "code_guid": refi_qda.seeded_guid(rng).lower(),
                    "name": name,
                    "path": f"{theme} > {name}",
                    "parent_guid": theme_guid,
                    "theme_path": theme,
                    "depth": 1,
                    "description": definition,
                    "is_codable": True,
                    "color": "",
                }
            )
    return refi_qda.label_codes(pd.DataFrame(rows))


def _second_coder_codes(codes: list[str], rng: random.Random, all_codes: list[str]) -> list[str]:
    """Coder B agrees mostly: each code kept with probability 0.8, else swapped; sometimes one added."""
    out = [c if rng.random() < 0.8 else rng.choice([x for x in all_codes if x != c]) for c in codes]
    if rng.random() < 0.1:
        out.append(rng.choice(all_codes))
    return list(dict.fromkeys(out))


def build_demo(seed: int):
    """The demo as (project.qde bytes, {member: bytes} sources, participants DataFrame)."""
    rng = random.Random(seed)
    codes = _codes_table(rng)
    code_guid = {row.name: row.code_guid.upper() for row in codes.itertuples() if row.depth == 1}
    users = [
        {"guid": refi_qda.seeded_guid(rng), "name": "coder A"},
        {"guid": refi_qda.seeded_guid(rng), "name": "coder B"},
    ]
    people = pd.DataFrame(
        PARTICIPANTS, columns=["pseudonym", "role_group", "level", "group", "setting", "name"]
    )
    pool = {
        "doctor": [p for p in PASSAGES if p[0] == "doctor"],
        "manager": [p for p in PASSAGES if p[0] == "manager"],
    }
    queues = {"doctor": [], "manager": []}
    named = False  # one passage carries a participant's name and e-mail, to show the scrubbing
    groups = list(dict.fromkeys(people["group"]))
    sources, case_refs, members = (
        [],
        {p: {"source_refs": [], "selection_refs": []} for p in people["pseudonym"]},
        {},
    )
    for group in groups:
        members_of = people[people["group"] == group]
        is_fg = members_of["setting"].iloc[0] == "focus group"
        source_guid = refi_qda.seeded_guid(rng)
        asker = "Moderator" if is_fg else "Interviewer"
        lines = [
            f"[{SYNTHETIC_NOTE}]",
            f"{'Focus group' if is_fg else 'Interview'} {group}. Fictional transcript.",
            "",
        ]
        text = "\n".join(lines) + "\n"
        selections = []
        turns = rng.sample(PROMPTS, 5 if is_fg else 4)
        for prompt in turns:
            text += f"{asker}: {prompt}\n"
            speakers = list(members_of.itertuples())
            rng.shuffle(speakers)
            for person in speakers[: (4 if is_fg else 1)]:
                kind = "doctor" if person.role_group in DOCTOR_ROLES else "manager"
                if not queues[kind]:
                    queues[kind] = rng.sample(pool[kind], len(pool[kind]))
                passage = queues[kind].pop()
                label = f"{person.pseudonym}: "
                body = passage[2]
                if person.pseudonym == "FG1-P6" and not named:
                    body += " As Sam said earlier, write to s.okafor@example.nhs.uk if you want the figures."
                    named = True
                start = len(text) + len(label)
                text += label + body + "\n"
                end = start + len(body)
                sel_guid = refi_qda.seeded_guid(rng)
                codings = [(refi_qda.seeded_guid(rng), code_guid[c], users[0]["guid"]) for c in passage[1]]
                selections.append({"guid": sel_guid, "start": start, "end": end, "codings": codings})
                if is_fg:
                    case_refs[person.pseudonym]["selection_refs"].append(sel_guid)
                if rng.random() < 0.4:
                    second = _second_coder_codes(passage[1], rng, list(code_guid))
                    sel2 = refi_qda.seeded_guid(rng)
                    selections.append(
                        {
                            "guid": sel2,
                            "start": start,
                            "end": end,
                            "codings": [
                                (refi_qda.seeded_guid(rng), code_guid[c], users[1]["guid"]) for c in second
                            ],
                        }
                    )
                    if is_fg:
                        case_refs[person.pseudonym]["selection_refs"].append(sel2)
                if is_fg and rng.random() < 0.3 and speakers.index(person) > 0:  # an earlier speaker answers
                    text += f"{speakers[speakers.index(person) - 1].pseudonym}: {rng.choice(FILLERS)}\n"
        if not is_fg:
            case_refs[members_of["pseudonym"].iloc[0]]["source_refs"].append(source_guid)
        sources.append({"guid": source_guid, "name": f"{group} (synthetic)", "selections": selections})
        members[f"sources/{source_guid}.txt"] = text.encode("utf-8")
    variables = [
        {"guid": refi_qda.seeded_guid(rng), "name": v} for v in ("role_group", "level", "group", "setting")
    ]
    cases = []
    for person in people.itertuples():
        values = {var["guid"]: getattr(person, var["name"]) for var in variables}
        cases.append(
            {
                "guid": refi_qda.seeded_guid(rng),
                "name": person.pseudonym,
                "values": values,
                **case_refs[person.pseudonym],
            }
        )
    xml = refi_qda.project_xml(
        name="Doctors and managers - SYNTHETIC demonstration",
        origin="helpers.qualitative.demo (synthetic)",
        users=users,
        codes=codes,
        variables=variables,
        cases=cases,
        sources=sources,
    )
    return xml, members, people


def write_demo(folder, seed: int = 20151) -> list[Path]:
    """Write the synthetic focus-group/interview inputs into ``folder/focus_groups``; same seed, same bytes."""
    folder = Path(folder) / "focus_groups"
    folder.mkdir(parents=True, exist_ok=True)
    xml, members, people = build_demo(seed)
    qdpx = folder / "synthetic_focus_groups.qdpx"
    qdpx.write_bytes(outputs.deterministic_zip({"project.qde": xml, **members}))
    table = folder / "synthetic_participants.csv"
    people.to_csv(table, index=False, lineterminator="\n", encoding="utf-8")
    readme = folder / "README.md"
    readme.write_text(
        "# SYNTHETIC focus-group and interview data\n\n"
        f"{SYNTHETIC_NOTE}\n\n"
        f"Generated by `helpers.qualitative.demo.write_demo(folder, seed={seed})`; do not edit by hand.\n\n"
        "- `synthetic_focus_groups.qdpx`: REFI-QDA project, two focus groups (FG1; FG2, directorate staff "
        "with a lone chief executive) and seven interviews, "
        "coded by coder A, with about 40% of passages double-coded by coder B.\n"
        "- `synthetic_participants.csv`: pseudonym, role group, level, group, setting, and a fictional name "
        "(used only to show that names are scrubbed from quotes).\n",
        encoding="utf-8",
    )
    return [qdpx, table, readme]
