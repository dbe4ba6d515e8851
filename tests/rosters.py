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

FARMS = """\
id: farm_survey
version: "1"
title: {en: Farm survey}
languages: [en]
key: [village, hh]
choices:
  relation:
    - {code: 1, en: Head}
    - {code: 2, en: Spouse}
    - {code: 3, en: Child}
    - {code: 4, en: Parent}
  yesno:
    - {code: 1, en: "Yes"}
    - {code: 0, en: "No"}
  crop:
    - {code: 1, en: Rice}
    - {code: 2, en: Tea}
sections:
  - code: household
    label: {en: Household}
    questions:
      - {code: village, type: text, required: true, label: {en: Village}}
      - {code: hh, type: integer, required: true, label: {en: Household number}}
      - {code: hh_size, type: integer, min: 1, max: 30, label: {en: Members}}
      - {code: n_farms, type: integer, min: 0, max: 9, label: {en: Farms}}
      - {code: land, type: decimal, unit: mu, label: {en: Land farmed}}
  - code: members
    label: {en: Household members}
    roster:
      key: member
      count: hh_size
      exactly_one: relation = 1
      older_than:
        - {older: relation = 2, younger: relation = 3, age: age}
        - {older: relation = 4, younger: relation = 1, age: age, by: 12}
    questions:
      - {code: member, type: integer, required: true, min: 1, label: {en: Member number}}
      - {code: relation, type: select_one, choices: relation, label: {en: Relation to head}}
      - {code: age, type: integer, min: 0, max: 120, label: {en: Age}}
  - code: farms
    label: {en: Farms}
    roster:
      key: farm
      count: n_farms
      sums:
        - {total: land, part: area, tolerance: 0.5}
    questions:
      - {code: farm, type: integer, required: true, min: 1, label: {en: Farm number}}
      - {code: area, type: decimal, unit: mu, min: 0, label: {en: Area}}
      - {code: n_plots, type: integer, min: 1, max: 20, label: {en: Plots}}
  - code: plots
    label: {en: Plots}
    roster:
      key: plot
      within: farms
      count: n_plots
      exactly_one: main = 1
      sums:
        - {total: area, part: plot_area, tolerance: 0.1}
    questions:
      - {code: plot, type: integer, required: true, min: 1, label: {en: Plot number}}
      - {code: main, type: select_one, choices: yesno, label: {en: Main plot}}
      - {code: crop, type: select_one, choices: crop, label: {en: Crop}}
      - code: plot_area
        type: decimal
        unit: mu
        min: 0
        relevant: crop = 1
        label: {en: Plot area}
"""
