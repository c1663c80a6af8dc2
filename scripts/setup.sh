#!/usr/bin/env bash
# Installs octet's build dependencies from Debian packages (only those missing,
# so a second run is quick) and builds everything into build/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make pkg-config
  libflatbuffers-dev flatbuffers-compiler   # TFLite flatbuffers: our schema, compiled by flatc
  libprotobuf-dev protobuf-compiler libonnx-dev  # ONNX protobuf classes (onnx/onnx_pb.h)
  libonnx-testdata                          # ONNX's backend node tests (conformance suite)
  libcli11-dev libspdlog-dev nlohmann-json3-dev  # command line, logging, JSON output
  libeigen3-dev                             # GEMM for the float engine
  libstb-dev                                # PNG and BMP decoding
  libjpeg-dev                               # JPEG decoding, pixel-identical to Pillow's
  libgemmlowp-dev                           # TFLite's fixed-point arithmetic (int8 engine)
  libxnnpack-dev libpthreadpool-dev         # XNNPACK: the fast float engine
  libgtest-dev libgmock-dev                 # tests
  libarmnn-dev libarmnntfliteparser-dev libarmnn-cpuref-backend22  # Arm NN 20.08: second runtime in tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The TFLite interpreter the conformance tests compare against: npm's
# @tensorflow/tfjs-tflite (WebAssembly), run by Node. Any node and npm on PATH
# will do (checked as commands, not packages: a NodeSource nodejs bundles npm
# and conflicts with Debian's npm package).
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "setup: installing nodejs npm"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi
if [ ! -d tests/runtime/node_modules/@tensorflow/tfjs-tflite ]; then
  echo "setup: installing tests/runtime's npm packages"
  (cd tests/runtime && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j"$(nproc)"
