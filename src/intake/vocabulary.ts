// The published vocabularies of the intake (README "Input" shows them): header synonyms of common loan-tape
// layouts, and the property-type words of the agency (Fannie Mae / Freddie Mac loan-level data), HMDA and
// everyday use. Keys are compared squashed: lower case without spaces, underscores, dots or hyphens.
import type { PropertyType } from '../domain/schemas.ts';

/** `Property ID`, `property_id`, `PROPERTY.ID` -> `propertyid`. Brackets (list indices) are kept. */
export function squash(header: string): string {
  return header.toLowerCase().replace(/[\s_.\-#]+/g, '');
}

/**
 * Field path -> headers that lenders' tapes use for it. A field's own name is read in any spelling
 * (`Property ID`, `LOAN_BALANCE`), so these are the other names only.
 */
export const HEADER_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  propertyId: ['Property Number', 'Prop ID', 'Asset ID', 'Collateral ID'],
  address: [
    'Street Address',
    'Property Address',
    'Address Line 1',
    'Address1',
    'Street',
    'Situs Address',
    'Property Street Address',
  ],
  unit: ['Apt', 'Apartment', 'Unit Number', 'Unit No', 'Suite', 'Address Line 2', 'Address2', 'AddressUnitIdentifier'],
  city: ['Property City', 'Town'],
  state: ['ST', 'Property State', 'State Code'],
  zip: ['Zip Code', 'Postal Code', 'Postcode', 'ZIP5', 'Property Zip', 'Property Zip Code', 'ZIP+4'],
  county: ['County Name', 'Property County'],
  countyFips: ['FIPS', 'FIPS Code', 'County Code', 'County FIPS Code'],
  latitude: ['Lat'],
  longitude: ['Lon', 'Lng', 'Long'],
  propertyType: ['Prop Type', 'PROP_TYP', 'Type'],
  units: ['Number of Units', 'NUM_UNIT', 'Num Units', 'Unit Count', 'No of Units'],
  livingAreaSqft: ['Living Area', 'Square Feet', 'Sq Ft', 'GLA', 'Gross Living Area', 'Square Footage'],
  yearBuilt: ['Yr Built', 'Year Of Construction'],
  lastAppraisedValue: ['Appraised Value', 'Appraisal Value', 'Last Appraisal Value', 'Latest Appraised Value'],
  lastAppraisalDate: ['Appraisal Date', 'Latest Appraisal Date', 'Valuation Date'],
  'loan.balance': [
    'Balance',
    'UPB',
    'Current UPB',
    'Unpaid Principal Balance',
    'Current Balance',
    'Principal Balance',
    'Current Loan Balance',
    'Outstanding Balance',
  ],
  'loan.secondLienBalance': ['Second Lien Balance', '2nd Lien Balance', 'Junior Lien Balance', 'Subordinate Balance'],
  'loan.originationDate': ['Origination Date', 'Orig Date', 'Note Date', 'Closing Date'],
  'loan.originalValue': ['Original Value', 'Original Appraised Value', 'Original Property Value', 'Orig Value'],
};

/**
 * Headers that look like ours but are not: what to say instead of only "unknown column". Keys squashed.
 * (Original amounts and LTVs describe the loan when it was made; the product needs today's balance and
 * computes LTV itself.)
 */
export const HEADER_HINTS: Readonly<Record<string, string>> = {
  zip3: 'holds 3-digit ZIP prefixes, which cannot locate a property: give each property its 5-digit zip',
  origamt: 'is the original loan amount: the product needs the current unpaid balance (loan.balance, e.g. UPB)',
  originalloanamount:
    'is the original loan amount: the product needs the current unpaid balance (loan.balance, e.g. UPB)',
  loanamount: 'may be the original loan amount: map the current unpaid balance to loan.balance',
  ltv: 'is computed by the product from loan.balance and the current value: drop the column or ignore it',
  oltv: "is the original LTV, computed by the product from today's values instead: drop the column or ignore it",
  cltv: 'is computed by the product from loan.balance, loan.secondLienBalance and the current value',
  ocltv: "is the original CLTV, computed by the product from today's values instead: drop the column or ignore it",
  loanid:
    'names the loan: map it to propertyId when each loan has its own property (columnMap={"LOAN_ID":"propertyId"})',
  loannumber:
    'names the loan: map it to propertyId when each loan has its own property (columnMap={"Loan Number":"propertyId"})',
};

/** Property-type word (squashed, no hyphens or slashes) -> type. */
export const PROPERTY_TYPE_WORDS: Readonly<Record<string, PropertyType>> = {
  // Agency loan-level codes (Fannie Mae / Freddie Mac): SF, CO, PU, MH, CP.
  sf: 'SFR',
  co: 'CONDO',
  pu: 'PUD',
  mh: 'MANUFACTURED',
  cp: 'COOP',
  // Everyday and appraisal-form words.
  sfr: 'SFR',
  singlefamily: 'SFR',
  singlefamilyresidence: 'SFR',
  singlefamilydetached: 'SFR',
  detached: 'SFR',
  house: 'SFR',
  condo: 'CONDO',
  condominium: 'CONDO',
  condominiumunit: 'CONDO',
  townhouse: 'TOWNHOUSE',
  townhome: 'TOWNHOUSE',
  rowhouse: 'TOWNHOUSE',
  attached: 'TOWNHOUSE',
  pud: 'PUD',
  plannedunitdevelopment: 'PUD',
  coop: 'COOP',
  cooperative: 'COOP',
  manufactured: 'MANUFACTURED',
  manufacturedhousing: 'MANUFACTURED',
  manufacturedhome: 'MANUFACTURED',
  mobilehome: 'MANUFACTURED',
  multi24: 'MULTI_2_4',
  '24unit': 'MULTI_2_4',
  '24units': 'MULTI_2_4',
  '24family': 'MULTI_2_4',
  twotofourunit: 'MULTI_2_4',
  twotofourunits: 'MULTI_2_4',
  duplex: 'MULTI_2_4',
  triplex: 'MULTI_2_4',
  fourplex: 'MULTI_2_4',
  quadplex: 'MULTI_2_4',
  multifamily: 'MULTIFAMILY',
  '5units': 'MULTIFAMILY',
  '5plusunits': 'MULTIFAMILY',
  fiveormoreunits: 'MULTIFAMILY',
  apartmentbuilding: 'MULTIFAMILY',
  commercial: 'COMMERCIAL',
  land: 'LAND',
  vacantland: 'LAND',
  lot: 'LAND',
};

/** HMDA's "one to four family" covers SFR and MULTI_2_4: only the number of units tells which. */
export const ONE_TO_FOUR_FAMILY_WORDS: ReadonlySet<string> = new Set([
  '14family',
  '14unit',
  '14units',
  'onetofourfamily',
  'onetofourunit',
  'onetofourunits',
]);

/** The key a property-type word is looked up by: `2-4 Unit` -> `24unit`, `Co-op` -> `coop`, `5+ Units` -> `5units`. */
export function propertyTypeKey(word: string): string {
  return word.toLowerCase().replace(/[^a-z0-9]/g, '');
}
