# ami-tagger for Spinnaker's Run Job stage (`ami-tagger spel --consumer runjob --image IMAGE`):
# the job runs `ami-tagger tag --payload-env AMI_TAGGER_PAYLOAD` with the pod's AWS credentials
# (IRSA, or the node's role). Built from the packed CLI, with the rules file the stack deploys, so
# the direct path in a container writes the same tags as the Lambda functions:
#
#   npm pack                                                    # ami-tagger-VERSION.tgz, here
#   docker build -t ami-tagger .                                # rules: ./ami-tagger.yml (the stack's default)
#   docker build -t ami-tagger --build-arg RULES_FILE=ops/ami-rules.yml .   # as with --param rulesFile=ops/ami-rules.yml
#
# The rules become /ami-tagger/ami-tagger.yml, the working folder, which `tag` reads when no
# --rules is given. Or mount your own file there (a ConfigMap), or mount it anywhere and add
# `--rules PATH` to the job's args. test/package/npm-pack.test.ts runs these steps without Docker.
FROM node:22-slim

ARG RULES_FILE=ami-tagger.yml

WORKDIR /build
COPY ami-tagger-*.tgz ./
RUN npm install --global --omit=dev --no-audit --no-fund ./ami-tagger-*.tgz && rm ./ami-tagger-*.tgz

WORKDIR /ami-tagger
COPY ${RULES_FILE} ./ami-tagger.yml

USER node
ENTRYPOINT ["ami-tagger"]
CMD ["--help"]
