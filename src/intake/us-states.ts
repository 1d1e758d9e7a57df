// USPS codes, names and FIPS state codes (Census Bureau, ANSI INCITS 38) of the states, DC and the
// inhabited territories the schema accepts. Names let a tape write `Texas` for TX; FIPS codes let a county
// FIPS code (`48201`) be checked against the property's state.
import { US_STATES, type UsState } from '../domain/schemas.ts';

const STATES: Readonly<Record<UsState, { name: string; fips: string; aliases?: readonly string[] }>> = {
  AL: { name: 'Alabama', fips: '01' },
  AK: { name: 'Alaska', fips: '02' },
  AZ: { name: 'Arizona', fips: '04' },
  AR: { name: 'Arkansas', fips: '05' },
  CA: { name: 'California', fips: '06' },
  CO: { name: 'Colorado', fips: '08' },
  CT: { name: 'Connecticut', fips: '09' },
  DE: { name: 'Delaware', fips: '10' },
  DC: { name: 'District of Columbia', fips: '11', aliases: ['Washington DC', 'Washington D.C.', 'D.C.'] },
  FL: { name: 'Florida', fips: '12' },
  GA: { name: 'Georgia', fips: '13' },
  HI: { name: 'Hawaii', fips: '15' },
  ID: { name: 'Idaho', fips: '16' },
  IL: { name: 'Illinois', fips: '17' },
  IN: { name: 'Indiana', fips: '18' },
  IA: { name: 'Iowa', fips: '19' },
  KS: { name: 'Kansas', fips: '20' },
  KY: { name: 'Kentucky', fips: '21' },
  LA: { name: 'Louisiana', fips: '22' },
  ME: { name: 'Maine', fips: '23' },
  MD: { name: 'Maryland', fips: '24' },
  MA: { name: 'Massachusetts', fips: '25' },
  MI: { name: 'Michigan', fips: '26' },
  MN: { name: 'Minnesota', fips: '27' },
  MS: { name: 'Mississippi', fips: '28' },
  MO: { name: 'Missouri', fips: '29' },
  MT: { name: 'Montana', fips: '30' },
  NE: { name: 'Nebraska', fips: '31' },
  NV: { name: 'Nevada', fips: '32' },
  NH: { name: 'New Hampshire', fips: '33' },
  NJ: { name: 'New Jersey', fips: '34' },
  NM: { name: 'New Mexico', fips: '35' },
  NY: { name: 'New York', fips: '36' },
  NC: { name: 'North Carolina', fips: '37' },
  ND: { name: 'North Dakota', fips: '38' },
  OH: { name: 'Ohio', fips: '39' },
  OK: { name: 'Oklahoma', fips: '40' },
  OR: { name: 'Oregon', fips: '41' },
  PA: { name: 'Pennsylvania', fips: '42' },
  RI: { name: 'Rhode Island', fips: '44' },
  SC: { name: 'South Carolina', fips: '45' },
  SD: { name: 'South Dakota', fips: '46' },
  TN: { name: 'Tennessee', fips: '47' },
  TX: { name: 'Texas', fips: '48' },
  UT: { name: 'Utah', fips: '49' },
  VT: { name: 'Vermont', fips: '50' },
  VA: { name: 'Virginia', fips: '51' },
  WA: { name: 'Washington', fips: '53' },
  WV: { name: 'West Virginia', fips: '54' },
  WI: { name: 'Wisconsin', fips: '55' },
  WY: { name: 'Wyoming', fips: '56' },
  PR: { name: 'Puerto Rico', fips: '72' },
  VI: { name: 'U.S. Virgin Islands', fips: '78', aliases: ['Virgin Islands', 'US Virgin Islands'] },
  GU: { name: 'Guam', fips: '66' },
  AS: { name: 'American Samoa', fips: '60' },
  MP: { name: 'Northern Mariana Islands', fips: '69', aliases: ['Commonwealth of the Northern Mariana Islands'] },
};

/** Letters only, upper case: `Washington D.C.` and `washington dc` are one key. */
const nameKey = (name: string) => name.toUpperCase().replace(/[^A-Z]/g, '');

const BY_NAME = new Map<string, UsState>(
  US_STATES.flatMap((code) => [STATES[code].name, ...(STATES[code].aliases ?? [])].map((n) => [nameKey(n), code])),
);

/** The USPS code of a state written as a code in any case or as its name (`texas`, `New York`), if any. */
export function stateCode(text: string): UsState | undefined {
  const upper = text.trim().toUpperCase();
  if ((US_STATES as readonly string[]).includes(upper)) return upper as UsState;
  return BY_NAME.get(nameKey(text));
}

/** The 2-digit FIPS code of a state (`TX` -> `48`). */
export function stateFips(state: UsState): string {
  return STATES[state].fips;
}

/** The state whose FIPS code a county FIPS code starts with, if any (`48201` -> TX). */
export function stateOfCountyFips(countyFips: string): UsState | undefined {
  const prefix = countyFips.slice(0, 2);
  return US_STATES.find((code) => STATES[code].fips === prefix);
}
