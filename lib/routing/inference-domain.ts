/** A public hosted zone the deployment adds its records to. Plain strings, so every regional stack can use it. */
export interface InferenceDomain {
  /** The zone's name, e.g. `example.com`. */
  readonly zoneName: string;
  /** The zone's id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
}
