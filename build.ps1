#!/usr/bin/env pwsh
# Entry point for PowerShell users (Linux pwsh): the same checks as build.sh, then the build program.
#   ./build.ps1 --target Test
# LIBTORCH_DIR (an unpacked official libtorch, CPU or CUDA) overrides Debian's libtorch.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

$missing = @()
if ($env:LIBTORCH_DIR) {
    if (-not (Test-Path (Join-Path $env:LIBTORCH_DIR 'share/cmake/Torch/TorchConfig.cmake'))) {
        Write-Error "LIBTORCH_DIR=$($env:LIBTORCH_DIR) does not look like an unpacked libtorch (no share/cmake/Torch/TorchConfig.cmake)."
    }
} elseif (-not ((Test-Path '/usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake') -or (Test-Path '/usr/lib/aarch64-linux-gnu/cmake/Torch/TorchConfig.cmake'))) {
    $missing += 'libtorch-dev'
}
if (-not (Test-Path '/usr/include/opencv4/opencv2/imgcodecs.hpp')) { $missing += 'libopencv-dev' }
# Debian's libtorch calls the reference BLAS unless an optimised one is installed (see build.sh).
if (-not $env:LIBTORCH_DIR -and -not (Get-ChildItem '/usr/lib/*-linux-gnu/openblas-*/libblas.so.3' -ErrorAction SilentlyContinue)) { $missing += 'libopenblas0-openmp' }
foreach ($tool in @(@('cmake', 'cmake'), @('g++', 'g++'), @('make', 'make'))) {
    if (-not (Get-Command $tool[0] -ErrorAction SilentlyContinue)) { $missing += $tool[1] }
}

if ($missing.Count -gt 0) {
    $install = "apt-get install -y $($missing -join ' ')"
    $isRoot = (& id -u) -eq '0'
    $sudo = $null
    if (-not $isRoot) {
        & sudo -n true 2>$null
        if ($LASTEXITCODE -eq 0) { $sudo = 'sudo' }
        else {
            Write-Host "Missing native prerequisites: $($missing -join ', ')"
            Write-Host "Install them with:  sudo apt-get update && sudo $install"
            exit 1
        }
    }
    Write-Host "Installing native prerequisites: $($missing -join ', ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    if ($sudo) { & sudo -n apt-get update -qq; & sudo -n apt-get install -y -qq @missing }
    else { & apt-get update -qq; & apt-get install -y -qq @missing }
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { Write-Error 'The .NET SDK (10.0) is required: https://dot.net' }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
& dotnet run --project build/Build.csproj -c Release -- @args
exit $LASTEXITCODE
