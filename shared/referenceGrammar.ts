// CONTRACT (to be implemented by the grammar work): types are final, the body is not.
export type MalformedCode =
  | 'missing-segment'
  | 'empty-segment'
  | 'extra-segment'
  | 'invalid-character'
  | 'unclosed'
  | 'likely-typo';

export interface ScannedReference {
  name: string;
  field: string;
  /** Offsets in the scanned string, end exclusive: the whole `{{ ... }}`. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  fieldStart: number;
  fieldEnd: number;
}

export interface ScannedMalformed {
  code: MalformedCode;
  /** Names the expected form `{{secrets.NAME.FIELD}}` and what is wrong. */
  message: string;
  start: number;
  end: number;
}

export interface ScanResult {
  references: ScannedReference[];
  malformed: ScannedMalformed[];
}
