untrusted comment: signature from releaser secret key F34347D7838189F9
RWT5iYGD10dD863k29rBKUtuYQLAF0ZKhJcizwCOXWzT1XqAQtEZJ6QhxE3AVxz7OJoXfzheUA3/0M5hdXq0FVGCHDXiwtTREAM=
SHA256 (profiling-agent-v1.0.0-amd64.tar.gz) = ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb
SHA256 (profiling-agent-v1.0.0-arm64.tar.gz) = 3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d
