/** Values the examples of the document share. */
export const AT = '2026-12-01T10:00:00.000Z';
export const ORDER_ID = '3f0c8a52-1d7e-4c1b-9b2e-6a4f5d3c2b1a';
export const JWT_EXAMPLE =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiIsImlhdCI6MTc2NDYwMDAwMCwiZXhwIjoxNzY0NjAwOTAwfQ.c2lnbmF0dXJl';
