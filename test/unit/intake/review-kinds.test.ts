// The kinds of input a reviewer found read wrongly once the intake had landed: a county FIPS code in the
// county column, county names that differ only in punctuation or St./Saint, a swapped latitude/longitude
// pair, and a padded-ZIP suggestion that ignored the row's state. Each read through a whole tape.
import { describe, expect, it } from 'vitest';
import { countyName } from '../../../src/intake/counties.ts';
import { csv, errorsOf, propertiesOf, readCsv, warningsOf } from './tapes.ts';

const HEADER = 'propertyId,address,state,zip,county,propertyType';

describe('a county FIPS code in the county column', () => {
  it('is read as countyFips, with a warning', async () => {
    const result = await readCsv(
      csv(HEADER, 'P1,1 Main St,TX,77002,48201,SFR', 'P2,2 Main St,TX,77002,Harris,SFR', 'P3,3 Main St,TX,77002,,SFR'),
    );
    const [p1, p2] = propertiesOf(result);
    expect(p1).toMatchObject({ countyFips: '48201' });
    expect(p1?.county).toBeUndefined();
    expect(p2).toMatchObject({ county: 'Harris' });
    expect(warningsOf(result).find((w) => w.code === 'COUNTY_FIPS_IN_COUNTY')).toStrictEqual({
      code: 'COUNTY_FIPS_IN_COUNTY',
      field: 'county',
      count: 1,
      message: '1 5-digit county FIPS code in county read as countyFips',
      examples: [{ at: 'row 2', row: 2, value: '48201', normalised: 'countyFips 48201' }],
    });
  });

  it("is refused, naming both states, when its state prefix is not the row's state", async () => {
    const errors = errorsOf(await readCsv(csv(HEADER, 'P1,1 Main St,CA,90012,48201,SFR')));
    expect(errors).toStrictEqual([
      {
        path: 'row 2, column county',
        row: 2,
        column: 'county',
        field: 'county',
        code: 'COUNTY_FIPS_STATE',
        message: "'48201' in county is a county FIPS code in TX, but the state is CA: check county and state",
        fix: 'check county and state',
      },
    ]);
  });

  it('is refused when a countyFips column says another code', async () => {
    const errors = errorsOf(await readCsv(csv(`${HEADER},countyFips`, 'P1,1 Main St,TX,77002,48201,SFR,48453')));
    expect(errors.map((e) => [e.field, e.code])).toStrictEqual([['county', 'COUNTY_FIPS_STATE']]);
  });
});

describe('county names', () => {
  it('that differ only in punctuation, spaces, accents or St./Saint are one county, warned', async () => {
    const result = await readCsv(
      csv(
        HEADER,
        'P1,1 Main St,FL,33101,Miami-Dade,SFR',
        'P2,2 Main St,FL,33101,Miami Dade,SFR',
        'P3,3 Main St,FL,33101,MIAMI-DADE COUNTY,SFR',
        "P4,4 Main St,MD,20772,Prince George's,SFR",
        'P5,5 Main St,MD,20772,Prince Georges County,SFR',
        'P6,6 Main St,MN,55802,St. Louis,SFR',
        'P7,7 Main St,MN,55802,Saint Louis County,SFR',
        'P8,8 Main St,NM,88001,Doña Ana,SFR',
        'P9,9 Main St,NM,88001,Dona Ana County,SFR',
      ),
    );
    expect(propertiesOf(result).map((p) => p.county)).toStrictEqual([
      'Miami-Dade',
      'Miami-Dade',
      'Miami-Dade',
      "Prince George's",
      "Prince George's",
      'St. Louis',
      'St. Louis',
      'Doña Ana',
      'Doña Ana',
    ]);
    const spelling = warningsOf(result).find((w) => w.code === 'COUNTY_SPELLING');
    expect(spelling?.count).toBe(5);
    expect(spelling?.examples[0]).toStrictEqual({ at: 'row 3', row: 3, value: 'Miami Dade', normalised: 'Miami-Dade' });
  });

  it("keeps St. Louis County and St. Louis city apart in Missouri, and warns that a bare 'St. Louis' is either", async () => {
    const result = await readCsv(
      csv(
        HEADER,
        'P1,1 Main St,MO,63105,St. Louis County,SFR',
        'P2,2 Main St,MO,63105,Saint Louis Co.,SFR',
        'P3,3 Main St,MO,63101,St. Louis City,SFR',
        'P4,4 Main St,MO,63101,Saint Louis city,SFR',
        'P5,5 Main St,MO,63101,St. Louis,SFR',
        'P6,6 Main St,MO,63101,Saint Louis,SFR',
      ),
    );
    expect(propertiesOf(result).map((p) => p.county)).toStrictEqual([
      'St. Louis County',
      'St. Louis County',
      'St. Louis City',
      'St. Louis City',
      'St. Louis',
      'St. Louis',
    ]);
    const ambiguous = warningsOf(result).find((w) => w.code === 'COUNTY_CITY_AMBIGUOUS');
    expect(ambiguous).toMatchObject({ count: 2, fix: "write 'NAME County' or 'NAME city', or give countyFips" });
    expect(ambiguous?.examples[0]).toStrictEqual({
      at: 'row 6',
      row: 6,
      value: 'St. Louis',
      normalised: 'St. Louis County (29189) or St. Louis city (29510)?',
    });
  });

  it.each([
    ['TX', 'Harris County', { name: 'Harris', key: 'HARRIS', suffixDropped: true }],
    ['TX', 'harris co.', { name: 'harris', key: 'HARRIS', suffixDropped: true }],
    ['LA', 'Iberia Parish', { name: 'Iberia', key: 'IBERIA', suffixDropped: true }],
    ['TX', 'County', { name: 'County', key: 'COUNTY', suffixDropped: false }],
    ['MD', 'Baltimore City', { name: 'Baltimore City', key: 'BALTIMORECITY', suffixDropped: false }],
    ['MD', 'Baltimore County', { name: 'Baltimore County', key: 'BALTIMORECOUNTY', suffixDropped: false }],
    [
      'MD',
      'Baltimore',
      { name: 'Baltimore', key: 'BALTIMORE', suffixDropped: false, ambiguous: { county: '24005', city: '24510' } },
    ],
    ['IL', 'St. Clair', { name: 'St. Clair', key: 'STCLAIR', suffixDropped: false }],
    ['MO', 'Ste. Genevieve County', { name: 'Ste. Genevieve', key: 'STEGENEVIEVE', suffixDropped: true }],
  ])('in %s, %j reads %o', (state, text, expected) => {
    expect(countyName(state, text)).toStrictEqual(expected);
  });
});

describe('a swapped latitude/longitude pair', () => {
  it.each([
    ['-96.80', '32.78', 'write latitude 32.78, longitude -96.80'], // latitude below -90: not even a latitude
    ['-73.938104', '40.750044', 'write latitude 40.750044, longitude -73.938104'],
  ])('lat %s, lng %s is refused with the pair to write', async (lat, lng, fix) => {
    const errors = errorsOf(
      await readCsv(csv(`${HEADER},latitude,longitude`, `P1,1 Main St,TX,75201,Dallas,SFR,${lat},${lng}`)),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'row 2, column latitude', code: 'COORDINATES_SWAPPED', fix });
    expect(errors[0]?.message).toContain(
      `looks swapped (outside the United States as written, inside it swapped): ${fix}`,
    );
  });

  it('outside the United States either way is a warning, not a swap', async () => {
    const result = await readCsv(csv(`${HEADER},latitude,longitude`, 'P1,1 Main St,TX,75201,Dallas,SFR,48.85,2.35'));
    expect(warningsOf(result).map((w) => w.code)).toContain('COORDINATES_OUTSIDE_US');
  });
});

describe('a ZIP that lost its leading zeros', () => {
  it("is suggested padded only when the padded ZIP is one of the row's state", async () => {
    const errors = errorsOf(
      await readCsv(
        csv(HEADER, 'P1,1 Main St,TX,7870,,SFR', 'P2,2 Main St,MA,2134,,SFR', 'P3,3 Main St,Texas,123,,SFR'),
      ),
    );
    expect(errors.map((e) => [e.row, e.code, e.fix])).toStrictEqual([
      [2, 'ZIP_NOT_IN_STATE', "write the property's 5-digit ZIP in TX"],
      [3, 'LEADING_ZERO_LOST', 'write 02134, and store the column as text'],
      [4, 'INVALID_ZIP', "write the property's 5-digit ZIP in TX"],
    ]);
  });
});

describe('messages a person can act on', () => {
  it('name a bad state and its fix, and count one normalisation in the singular', async () => {
    const result = await readCsv(csv(HEADER, 'P1,1 Main St,XX,75201,,SFR', 'P2,2 Main St,MA,021341234,,SFR'), {
      invalidRows: 'skip',
    });
    if (!result.ok) throw new Error('expected the valid row to be kept');
    expect(result.dataQuality.skippedRows[0]?.reasons).toStrictEqual([
      {
        path: 'row 2, column state',
        row: 2,
        column: 'state',
        field: 'state',
        code: 'INVALID_STATE',
        message:
          "'XX' is not a US state: write the state's USPS code (TX) or its name (Texas); the 50 states, DC and the territories are read",
        fix: "write the state's USPS code (TX) or its name (Texas); the 50 states, DC and the territories are read",
      },
    ]);
    expect(warningsOf(result).find((w) => w.code === 'ZIP4_DASH')?.message).toBe(
      '1 ZIP+4 code written without a dash was normalised to 12345-6789',
    );
  });

  it('say the fix for a negative amount', async () => {
    const [error] = errorsOf(await readCsv(csv(`${HEADER},loan.balance`, 'P1,1 Main St,TX,75201,,SFR,-5')));
    expect(error).toMatchObject({
      path: 'row 2, column loan.balance',
      fix: 'write the amount in dollars without a minus sign (0 for none)',
    });
  });
});
