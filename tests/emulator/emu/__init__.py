"""The scenario emulator as a package; tests/emulator/emulator.py is its entry point.

Shared, service-independent modules:
  registry   the Service record and the tables built from every registered service
  scenario   scenario file model: placeholders, $generate lists, lookups, injected errors
  request    identifying a request (service, Region, operation, protocol), query strings
  pagination NextToken encoding, page sizes, slicing a list member
  responses  success and error bodies in each protocol (awsJson, rest-json, awsQuery, rest-xml, CBOR)
  restjson   the rest-json answerer (routes and per-service hooks come from the services)
  cbor       the CBOR codec (RFC 8949, as much as Smithy RPC v2 CBOR uses)
  model      service models (shape types) that type CBOR answers
  rpcv2      Smithy RPC v2 CBOR: request decoding, answers, the bridge to an awsJson upstream
  faults, quotas, stats
  server     HTTP server, handler, proxy to the upstream, control endpoints

One module per AWS service in emu/services/ (like src/collect/), registered in
emu/services/__init__.py. See tests/emulator/README.md, "Adding an operation or a service".
"""
