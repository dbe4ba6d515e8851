"""A small household instrument with a member roster, shared by the roster tests."""

from __future__ import annotations

HOUSEHOLD = """\
id: hh_survey
version: "1"
title: {en: Household survey}
languages: [en]
key: [village, hh]
choices:
  relation:
    - {code: 1, en: Head}
    - {code: 2, en: Spouse}
    - {code: 3, en: Child}
  sex:
    - {code: 1, en: Male}
    - {code: 2, en: Female}
sections:
  - code: household
    label: {en: Household}
    questions:
      - {code: village, type: text, required: true, label: {en: Village}}
      - {code: hh, type: integer, required: true, label: {en: Household number}}
      - {code: hh_size, type: integer, min: 1, max: 30, label: {en: Members}}
      - {code: family_income, type: decimal, unit: CNY, label: {en: Family income}}
  - code: members
    label: {en: Household members}
    roster:
      key: member
      count: hh_size
      exactly_one: relation = 1
      sums:
        - {total: family_income, part: income, tolerance: 1}
    questions:
      - {code: member, type: integer, required: true, min: 1, label: {en: Member number}}
      - {code: relation, type: select_one, choices: relation, label: {en: Relation to head}}
      - {code: sex, type: select_one, choices: sex, label: {en: Sex}}
      - {code: age, type: integer, min: 0, max: 120, label: {en: Age}}
      - code: income
        type: decimal
        unit: CNY
        relevant: age >= 16
        label: {en: Income}
      - {code: phone, type: text, pii: true, label: {en: Phone}}
"""
