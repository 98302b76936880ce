/**
 * A key an Open311 client (a municipality's or regulator's tool) sends as `api_key` to file service
 * requests. Like API tokens, only its SHA-256 is stored and the key itself is shown once; unlike
 * them it belongs to no staff account, because the client files as "Open311", not as an operator.
 */
export interface Open311Key {
  id: string;
  keyHash: string;
  /** Who holds it, e.g. "Municipalidad de Pangoa". */
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
