#!/usr/bin/env bash
# Issue 3's accuracy acceptance, reproduced with the octet command line: every
# labelled classifier of ../shared/models is converted (calibrated on 100
# images of its data: every k-th image in sorted order) and evaluated against
# its float model on the other images (ImageNet: the other 400; the 5,000-image
# sets: the other 4,900). Prints float / int8 top-1, their agreement and the
# output SQNR, and the TRANSPOSE count of each written file.
#
#   bash bench/accuracy.sh [MODEL_SUBSTRING]     (after scripts/setup.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
octet="$root/build/octet"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
filter="${1:-}"

# split DATA: $work/DATA/{calib,eval}/<class>/<file> as symlinks, 100 calibration images.
split() {
  local data="$1" dir="$work/$1"
  [ -d "$dir" ] && return
  mkdir -p "$dir/calib" "$dir/eval"
  local files total step i=0
  mapfile -t files < <(cd "$shared/data/$data" && find . -mindepth 2 -type f \( -iname '*.jpeg' -o -iname '*.jpg' -o -iname '*.png' \) | sort)
  total=${#files[@]}
  step=$(( total / 100 ))
  for f in "${files[@]}"; do
    local part=eval
    if (( i % step == 0 && i / step < 100 )); then part=calib; fi
    mkdir -p "$dir/$part/$(dirname "$f")"
    ln -s "$shared/data/$data/$f" "$dir/$part/$f"
    i=$((i + 1))
  done
}

json() { node -e "const j=require(process.argv[1]); const v=$2; console.log(v===null?'-':(typeof v==='number'&&!Number.isInteger(v)?v.toFixed(2):v))" "$1"; }

# model | data | class-order file | preprocessing | label offset
models=(
  "imagenet/mobilenet_v2_1.0_224_bn.onnx|imagenet|imagenet/synsets_1000.txt|--resize 256 --crop 224 --mean 127.5 --std 127.5|1"
  "imagenet/mobilenet_v2_1.0_224.tflite|imagenet|imagenet/synsets_1000.txt|--resize 256 --crop 224 --mean 127.5 --std 127.5|1"
  "imagenet/mobilenet_v1_0.25_224.tflite|imagenet|imagenet/synsets_1000.txt|--resize 256 --crop 224 --mean 127.5 --std 127.5|1"
  "imagenet/mobilenet_v1_0.25_224.onnx|imagenet|imagenet/synsets_1000.txt|--resize 256 --crop 224 --mean 127.5 --std 127.5|1"
  "imagenet/mobilenet_v1_0.5_160.onnx|imagenet|imagenet/synsets_1000.txt|--resize 183 --crop 160 --mean 127.5 --std 127.5|1"
  "imagenet/squeezenet1.0.onnx|imagenet|imagenet/synsets_1000.txt|--crop 224 --mean 104,117,123 --std 1 --color bgr|0"
  "cifar10/resnet8.tflite|cifar10||--mean 0 --std 1|0"
  "cifar10/resnet8.onnx|cifar10||--mean 0 --std 1|0"
  "mnist/mnist_cntk_opset7.onnx|mnist||--mean 0 --std 1 --color gray|0"
  "mnist/mnist_pytorch_opset11.onnx|mnist||--mean 33.3285 --std 78.5655 --color gray|0"
  "fashion_mnist/fashion_keras.tflite|fashion_mnist||--mean 0 --std 255 --color gray|0"
  "fashion_mnist/fashion_pytorch_opset10.onnx|fashion_mnist||--mean 0 --std 255 --color gray|0"
)

printf '%-42s %7s %7s %7s %7s %9s %5s %8s\n' model images float int8 delta agreement sqnr transp
for entry in "${models[@]}"; do
  IFS='|' read -r model data classes flags offset <<< "$entry"
  [[ -n "$filter" && "$model" != *"$filter"* ]] && continue
  split "$data"
  name="$(echo "$model" | tr '/.' '__')"
  labels=()
  [ -n "$classes" ] && labels=(--labels "$shared/data/$classes")
  # shellcheck disable=SC2086
  "$octet" -q convert "$shared/models/$model" --calib "$work/$data/calib" -o "$work/$name.tflite" $flags \
    --report "$work/$name.convert.json"
  # shellcheck disable=SC2086
  "$octet" -q eval "$shared/models/$model" "$work/$name.tflite" --data "$work/$data/eval" "${labels[@]}" \
    --label-offset "$offset" $flags --json "$work/$name.eval.json" > /dev/null
  e="$work/$name.eval.json"
  transposes="$(json "$work/$name.convert.json" "j.output.ops.TRANSPOSE || 0")"
  printf '%-42s %7s %7s %7s %7s %8s%% %5s %8s\n' "$model" "$(json "$e" j.used)" "$(json "$e" j.float.top1)" \
    "$(json "$e" j.int8.top1)" "$(json "$e" "j.int8.top1 - j.float.top1")" "$(json "$e" j.agreement)" \
    "$(json "$e" j.outputs[0].sqnr_db)" "$transposes"
done
