untrusted comment: verify with sf.pub
RWTTlxt5n5X9QQjX0bLmWo4/7sLkON16T9qafuaJmM+lv/SVTcj+85mYCet4Kb90sBSPg8bCwvKgIyGxRTe1iqA+9A10BF01/wU=
SHA256 (profiling-agent-v1.0.0-amd64.tar.gz) = ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb
SHA256 (profiling-agent-v1.0.0-arm64.tar.gz) = 3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d
